import {
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
  RpcSubjects,
  TestIntegrationRequest,
  TestIntegrationResultDto,
  UpdateIntegrationRequest,
  validateInto,
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
import { GetIntegrationQuery } from './queries/get-integration/get-integration.query';
import { ListIntegrationTypesQuery } from './queries/list-integration-types/list-integration-types.query';
import { ListIntegrationsQuery } from './queries/list-integrations/list-integrations.query';
import { ProbeIntegrationQuery } from './queries/probe-integration/probe-integration.query';

/**
 * The integration registry over NATS. Payloads are validated here with the same contract classes the
 * gateway uses: a caller on NATS gets the same guarantees as one over HTTP.
 */
@Controller()
export class IntegrationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @OnMessage(RpcSubjects.IntegrationCreate)
  create(payload: unknown): Promise<IntegrationDto> {
    return this.commands.execute(new CreateIntegrationCommand(validateInto(IntegrationConfigDto, payload, 'integration')));
  }

  @OnMessage(RpcSubjects.IntegrationUpdate)
  update(payload: unknown): Promise<IntegrationDto> {
    const req = validateInto(UpdateIntegrationRequest, payload, 'integration');
    return this.commands.execute(new UpdateIntegrationCommand(req.id, req.config));
  }

  @OnMessage(RpcSubjects.IntegrationDelete)
  async delete(payload: unknown): Promise<{ deleted: true }> {
    await this.commands.execute(new DeleteIntegrationCommand(validateInto(IntegrationIdRequest, payload).id));
    return { deleted: true };
  }

  @OnMessage(RpcSubjects.IntegrationGet)
  get(payload: unknown): Promise<IntegrationDto> {
    return this.queries.execute(new GetIntegrationQuery(validateInto(IntegrationIdRequest, payload).id));
  }

  @OnMessage(RpcSubjects.IntegrationList)
  list(payload: unknown): Promise<IntegrationPageDto> {
    return this.queries.execute(new ListIntegrationsQuery(validateInto(ListIntegrationsRequest, payload, 'query')));
  }

  @OnMessage(RpcSubjects.IntegrationTest)
  test(payload: unknown): Promise<TestIntegrationResultDto> {
    const req = validateInto(TestIntegrationRequest, payload);
    return this.commands.execute(new TestIntegrationCommand(req.id, req.send_test_event ?? false));
  }

  @OnMessage(RpcSubjects.IntegrationLifecycle)
  lifecycle(payload: unknown): Promise<IntegrationDto> {
    const { id, action } = validateInto(LifecycleRequest, payload);
    const command =
      action === 'disable'
        ? new ChangeIntegrationStatusCommand(id, IntegrationStatus.INACTIVE, 'disabled', { enabled: false })
        : action === 'enable'
          ? new ChangeIntegrationStatusCommand(id, IntegrationStatus.CONFIGURING, 'enabled', { enabled: true })
          : new ChangeIntegrationStatusCommand(id, IntegrationStatus.DEPRECATED, 'deprecated');
    return this.commands.execute(command);
  }

  @OnMessage(RpcSubjects.IntegrationBulk)
  bulk(payload: unknown): Promise<BulkRegisterResultDto> {
    const req = validateInto(BulkRegisterRequest, payload, 'request body');
    return this.commands.execute(new RegisterBulkCommand(req.integrations, req.atomic ?? false));
  }

  @OnMessage(RpcSubjects.IntegrationProbe)
  probe(payload: unknown): Promise<ProbeResultDto> {
    return this.queries.execute(new ProbeIntegrationQuery(validateInto(ProbeIntegrationRequest, payload).id));
  }

  @OnMessage(RpcSubjects.IntegrationTypes)
  types(): Promise<IntegrationTypeDto[]> {
    return this.queries.execute(new ListIntegrationTypesQuery());
  }
}
