import { Identity, RequirePermission } from '@app/auth';
import {
  AccountDto,
  AccountSettingsDto,
  BulkRegisterRequest,
  CommandDto,
  CreateAccountRequest,
  CreateApiKeyRequest,
  CreateUserRequest,
  DeliveryDto,
  DiscoverAccountsRequest,
  IntegrationConfigDto,
  IntegrationDto,
  ReplayBody,
  RotateSigningSecretBody,
  RunCommandBody,
  StartSyncRequest,
  TestIntegrationBody,
  UpdateUserRequest,
  validateInto,
} from '@app/contracts';
import { ParseUuidPipe } from '@app/platform';
import { UseInterceptors } from '@nestjs/common';
import { Args, Context, ID, Mutation, Resolver } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { AccountsService } from '../accounts/accounts.service';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { DeliveriesService } from '../deliveries/deliveries.service';
import { FleetCommandsService } from '../fleet-commands/fleet-commands.service';
import { IntegrationsService } from '../integrations/integrations.service';
import { InventoryService } from '../inventory/inventory.service';
import { UsersService } from '../users/users.service';
import { GraphqlAuditInterceptor } from './graphql-audit';
import { GraphqlContext } from './graphql-context';
import { Account, Command } from './types/fleet.types';
import { Delivery, Integration } from './types/integrations.types';

type Input = Record<string, unknown>;
const input = (description: string) => ({ type: () => GraphQLJSONObject, description });
const optionalInput = (description: string) => ({ type: () => GraphQLJSONObject, nullable: true, description });
const uuid = (name: string) => new ParseUuidPipe(name);

/**
 * A mutation for every write of the REST API, with its REST twin's permission, body contract (`input` is the
 * REST body, validated by the same class) and service call. Each one is audited (door graphql).
 */
@Resolver()
@UseInterceptors(GraphqlAuditInterceptor)
export class MutationsResolver {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly deliveries: DeliveriesService,
    private readonly accounts: AccountsService,
    private readonly inventory: InventoryService,
    private readonly commands: FleetCommandsService,
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  // Integrations (REST /api/v1/integrations)
  @Mutation(() => Integration, { description: 'POST /api/v1/integrations' })
  @RequirePermission('IntegrationsWrite')
  createIntegration(@Args('input', input('IntegrationConfig, as the REST body')) body: Input): Promise<IntegrationDto> {
    return this.integrations.create(validateInto(IntegrationConfigDto, body, 'input'));
  }

  @Mutation(() => GraphQLJSONObject, { description: 'POST /api/v1/integrations/bulk' })
  @RequirePermission('IntegrationsWrite')
  bulkRegisterIntegrations(@Args('input', input('{ integrations: [...], atomic? }')) body: Input): Promise<object> {
    return this.integrations.bulk(validateInto(BulkRegisterRequest, body, 'input'));
  }

  @Mutation(() => Integration, { description: 'PUT /api/v1/integrations/{id} (full replacement)' })
  @RequirePermission('IntegrationsWrite')
  updateIntegration(@Args('id', { type: () => ID }, uuid('id')) id: string, @Args('input', input('IntegrationConfig')) body: Input): Promise<IntegrationDto> {
    return this.integrations.update(id, validateInto(IntegrationConfigDto, body, 'input'));
  }

  @Mutation(() => Boolean, { description: 'DELETE /api/v1/integrations/{id}' })
  @RequirePermission('IntegrationsWrite')
  async deleteIntegration(@Args('id', { type: () => ID }, uuid('id')) id: string): Promise<boolean> {
    await this.integrations.delete(id);
    return true;
  }

  @Mutation(() => GraphQLJSONObject, { description: 'POST /api/v1/integrations/{id}/test' })
  @RequirePermission('IntegrationsWrite')
  testIntegration(@Args('id', { type: () => ID }, uuid('id')) id: string, @Args('input', optionalInput('{ send_test_event? }')) body?: Input | null): Promise<object> {
    return this.integrations.test(id, validateInto(TestIntegrationBody, body ?? {}, 'input'));
  }

  @Mutation(() => Integration, { description: 'POST /api/v1/integrations/{id}/enable' })
  @RequirePermission('IntegrationsWrite')
  enableIntegration(@Args('id', { type: () => ID }, uuid('id')) id: string): Promise<IntegrationDto> {
    return this.integrations.lifecycle(id, 'enable');
  }

  @Mutation(() => Integration, { description: 'POST /api/v1/integrations/{id}/disable' })
  @RequirePermission('IntegrationsWrite')
  disableIntegration(@Args('id', { type: () => ID }, uuid('id')) id: string): Promise<IntegrationDto> {
    return this.integrations.lifecycle(id, 'disable');
  }

  @Mutation(() => Integration, { description: 'POST /api/v1/integrations/{id}/deprecate' })
  @RequirePermission('IntegrationsWrite')
  deprecateIntegration(@Args('id', { type: () => ID }, uuid('id')) id: string): Promise<IntegrationDto> {
    return this.integrations.lifecycle(id, 'deprecate');
  }

  @Mutation(() => Delivery, { description: 'POST /api/v1/integrations/{id}/deliveries/{delivery_id}/retry' })
  @RequirePermission('IntegrationsWrite')
  retryDelivery(@Args('integration_id', { type: () => ID }, uuid('integration_id')) id: string, @Args('delivery_id', { type: () => ID }, uuid('delivery_id')) deliveryId: string): Promise<DeliveryDto> {
    return this.deliveries.retry(id, deliveryId);
  }

  @Mutation(() => GraphQLJSONObject, { description: 'POST /api/v1/integrations/{id}/replay' })
  @RequirePermission('IntegrationsWrite')
  replayDeliveries(@Args('integration_id', { type: () => ID }, uuid('integration_id')) id: string, @Args('input', input('{ status?, since?, limit? } as the REST body')) body: Input): Promise<object> {
    return this.deliveries.replay(id, validateInto(ReplayBody, body, 'input'));
  }

  // The signing secret's read (GET .../signing-secret) has no GraphQL twin: queries are not audited per field (docs/decisions.md S24).
  @Mutation(() => GraphQLJSONObject, { description: 'POST /api/v1/integrations/{id}/signing-secret/rotate (admin): { integration_id, secret, previous_secret_expires_at }' })
  @RequirePermission('IntegrationSecretsManage')
  rotateIntegrationSigningSecret(@Args('id', { type: () => ID }, uuid('id')) id: string, @Args('input', optionalInput('{ grace_seconds? } as the REST body')) body?: Input | null): Promise<object> {
    return this.integrations.rotateSigningSecret(id, validateInto(RotateSigningSecretBody, body ?? {}, 'input'));
  }

  // Accounts, inventory, commands
  @Mutation(() => Account, { description: 'POST /api/v1/accounts' })
  @RequirePermission('AccountsWrite')
  createAccount(@Args('input', input('CreateAccountRequest')) body: Input): Promise<AccountDto> {
    return this.accounts.create(validateInto(CreateAccountRequest, body, 'input'));
  }

  @Mutation(() => GraphQLJSONObject, { description: 'POST /api/v1/accounts/discover' })
  @RequirePermission('AccountsWrite')
  discoverAccounts(@Args('input', input('DiscoverAccountsRequest')) body: Input): Promise<object> {
    return this.accounts.discover(validateInto(DiscoverAccountsRequest, body, 'input'));
  }

  @Mutation(() => Account, { description: 'PUT /api/v1/accounts/{account_id}' })
  @RequirePermission('AccountsWrite')
  updateAccount(@Args('account_id', { type: () => ID }) accountId: string, @Args('input', input('AccountSettings')) body: Input): Promise<AccountDto> {
    return this.accounts.update(accountId, validateInto(AccountSettingsDto, body, 'input'));
  }

  @Mutation(() => Boolean, { description: 'DELETE /api/v1/accounts/{account_id}' })
  @RequirePermission('AccountsWrite')
  async deleteAccount(@Args('account_id', { type: () => ID }) accountId: string): Promise<boolean> {
    await this.accounts.delete(accountId);
    return true;
  }

  @Mutation(() => GraphQLJSONObject, { description: 'POST /api/v1/inventory/sync: { id, status, location }' })
  @RequirePermission('InventorySync')
  startSync(@Args('input', optionalInput('{ account_ids?, regions?, types? }')) body?: Input | null): Promise<object> {
    return this.inventory.startSync(validateInto(StartSyncRequest, body ?? {}, 'input'));
  }

  @Mutation(() => GraphQLJSONObject, { description: 'POST /api/v1/commands: accepted { id, status, targets_total, location } or the dry run' })
  @RequirePermission('CommandsRun')
  runCommand(@Args('input', input('RunCommandBody')) body: Input, @Context() ctx: GraphqlContext): Promise<object> {
    return this.commands.run(validateInto(RunCommandBody, body, 'input'), ctx.identity);
  }

  @Mutation(() => Command, { description: 'POST /api/v1/commands/{id}/cancel' })
  @RequirePermission('CommandsRun')
  cancelCommand(@Args('id', { type: () => ID }, uuid('id')) id: string, @Context() ctx: GraphqlContext): Promise<CommandDto> {
    return this.commands.cancel(id, ctx.identity);
  }

  // Users and API keys (admin)
  @Mutation(() => GraphQLJSONObject, { description: 'POST /api/v1/users' })
  @RequirePermission('UsersManage')
  createUser(@Args('input', input('CreateUserRequest')) body: Input): Promise<object> {
    return this.users.create(validateInto(CreateUserRequest, body, 'input'));
  }

  @Mutation(() => GraphQLJSONObject, { description: 'PATCH /api/v1/users/{id}' })
  @RequirePermission('UsersManage')
  updateUser(@Args('id', { type: () => ID }, uuid('id')) id: string, @Args('input', input('UpdateUserRequest')) body: Input): Promise<object> {
    return this.users.update(id, validateInto(UpdateUserRequest, body, 'input'));
  }

  @Mutation(() => Boolean, { description: 'DELETE /api/v1/users/{id}' })
  @RequirePermission('UsersManage')
  async deleteUser(@Args('id', { type: () => ID }, uuid('id')) id: string): Promise<boolean> {
    await this.users.delete(id);
    return true;
  }

  @Mutation(() => GraphQLJSONObject, { description: 'POST /api/v1/api-keys: the key is shown once, here' })
  @RequirePermission('ApiKeysManage')
  createApiKey(@Args('input', input('CreateApiKeyRequest')) body: Input, @Context() ctx: GraphqlContext): Promise<object> {
    return this.apiKeys.create(validateInto(CreateApiKeyRequest, body, 'input'), ctx.identity as Identity);
  }

  @Mutation(() => Boolean, { description: 'DELETE /api/v1/api-keys/{id}' })
  @RequirePermission('ApiKeysManage')
  async revokeApiKey(@Args('id', { type: () => ID }, uuid('id')) id: string): Promise<boolean> {
    await this.apiKeys.revoke(id);
    return true;
  }
}
