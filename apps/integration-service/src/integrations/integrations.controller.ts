import { IntegrationConfigDto, IntegrationDto, IntegrationIdRequest, IntegrationPageDto, ListIntegrationsQuery as ListIntegrationsRequest, RpcSubjects, UpdateIntegrationRequest, validateInto } from '@app/contracts';
import { OnMessage } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { CreateIntegrationCommand } from './commands/create-integration/create-integration.command';
import { DeleteIntegrationCommand } from './commands/delete-integration/delete-integration.command';
import { UpdateIntegrationCommand } from './commands/update-integration/update-integration.command';
import { GetIntegrationQuery } from './queries/get-integration/get-integration.query';
import { ListIntegrationsQuery } from './queries/list-integrations/list-integrations.query';

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
}
