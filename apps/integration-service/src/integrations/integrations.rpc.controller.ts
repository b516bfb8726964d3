import {
  AppException,
  BulkRegisterRequest,
  BulkRegisterResultDto,
  IntegrationConfigDto,
  IntegrationDto,
  IntegrationIdRequest,
  IntegrationPageDto,
  IntegrationStatus,
  IntegrationTypeDto,
  LifecycleRequest,
  ListIntegrationsQuery as ListIntegrationsRequest,
  ProbeIntegrationRequest,
  ProbeResultDto,
  RotateSigningSecretRequest,
  RpcSubjects,
  SIGNING_GRACE_DEFAULT_SECONDS,
  SigningSecretDto,
  TestIntegrationRequest,
  TestIntegrationResultDto,
  UpdateIntegrationRequest,
} from '@app/contracts';
import { OnMessage } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ChangeIntegrationStatusCommand } from './commands/change-integration-status/change-integration-status.command';
import { CreateIntegrationCommand } from './commands/create-integration/create-integration.command';
import { DeleteIntegrationCommand } from './commands/delete-integration/delete-integration.command';
import { RegisterBulkCommand } from './commands/register-bulk/register-bulk.command';
import { TestIntegrationCommand } from './commands/test-integration/test-integration.command';
import { UpdateIntegrationCommand } from './commands/update-integration/update-integration.command';
import { RotateSigningSecretCommand } from './commands/rotate-signing-secret/rotate-signing-secret.command';
import { GetSigningSecretQuery } from './queries/get-signing-secret/get-signing-secret.query';
import { GetIntegrationQuery } from './queries/get-integration/get-integration.query';
import { ListIntegrationTypesQuery } from './queries/list-integration-types/list-integration-types.query';
import { ListIntegrationsQuery } from './queries/list-integrations/list-integrations.query';
import { ProbeIntegrationQuery } from './queries/probe-integration/probe-integration.query';

/**
 * The integration registry over NATS. Payloads arrive validated into the contract's classes (`RpcContracts`), the
 * ones the gateway uses: a caller on NATS gets the same guarantees as one over HTTP.
 */
@Controller()
export class IntegrationsRpcController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @OnMessage(RpcSubjects.IntegrationCreate)
  create(req: IntegrationConfigDto): Promise<IntegrationDto> {
    return this.commands.execute(new CreateIntegrationCommand(req));
  }

  @OnMessage(RpcSubjects.IntegrationUpdate)
  update(req: UpdateIntegrationRequest): Promise<IntegrationDto> {
    return this.commands.execute(new UpdateIntegrationCommand(req.id, req.config, req.expected_updated_at));
  }

  @OnMessage(RpcSubjects.IntegrationDelete)
  async delete(req: IntegrationIdRequest): Promise<{ deleted: true }> {
    await this.commands.execute(new DeleteIntegrationCommand(req.id));
    return { deleted: true };
  }

  @OnMessage(RpcSubjects.IntegrationGet)
  get(req: IntegrationIdRequest): Promise<IntegrationDto> {
    return this.queries.execute(new GetIntegrationQuery(req.id));
  }

  @OnMessage(RpcSubjects.IntegrationList)
  list(req: ListIntegrationsRequest): Promise<IntegrationPageDto> {
    return this.queries.execute(new ListIntegrationsQuery(req));
  }

  @OnMessage(RpcSubjects.IntegrationTest)
  test(req: TestIntegrationRequest): Promise<TestIntegrationResultDto> {
    return this.commands.execute(new TestIntegrationCommand(req.id, req.send_test_event ?? false));
  }

  @OnMessage(RpcSubjects.IntegrationLifecycle)
  async lifecycle({ id, action }: LifecycleRequest): Promise<IntegrationDto> {
    const command =
      action === 'disable'
        ? new ChangeIntegrationStatusCommand(id, IntegrationStatus.INACTIVE, 'disabled', { enabled: false })
        : action === 'enable'
          ? new ChangeIntegrationStatusCommand(id, IntegrationStatus.CONFIGURING, 'enabled', { enabled: true })
          : new ChangeIntegrationStatusCommand(id, IntegrationStatus.DEPRECATED, 'deprecated');
    const after = await this.commands.execute(command);
    // null only answers a pinned (`from`) or quiet change; a user's is neither, so this is never reached.
    if (!after) throw new AppException('CONFLICT', `Integration ${id} changed while it was being updated; try again`);
    return after;
  }

  @OnMessage(RpcSubjects.IntegrationBulk)
  bulk(req: BulkRegisterRequest): Promise<BulkRegisterResultDto> {
    return this.commands.execute(new RegisterBulkCommand(req.integrations, req.atomic ?? false));
  }

  @OnMessage(RpcSubjects.IntegrationProbe)
  probe(req: ProbeIntegrationRequest): Promise<ProbeResultDto> {
    return this.queries.execute(new ProbeIntegrationQuery(req.id));
  }

  @OnMessage(RpcSubjects.IntegrationTypes)
  types(): Promise<IntegrationTypeDto[]> {
    return this.queries.execute(new ListIntegrationTypesQuery());
  }

  @OnMessage(RpcSubjects.IntegrationSecretGet)
  signingSecret(req: IntegrationIdRequest): Promise<SigningSecretDto> {
    return this.queries.execute(new GetSigningSecretQuery(req.id));
  }

  @OnMessage(RpcSubjects.IntegrationSecretRotate)
  rotateSigningSecret(req: RotateSigningSecretRequest): Promise<SigningSecretDto> {
    return this.commands.execute(new RotateSigningSecretCommand(req.id, req.grace_seconds ?? SIGNING_GRACE_DEFAULT_SECONDS));
  }
}
