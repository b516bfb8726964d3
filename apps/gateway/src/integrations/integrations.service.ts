import {
  AppException,
  BulkRegisterRequest,
  BulkRegisterResultDto,
  IntegrationConfigDto,
  IntegrationDto,
  IntegrationPageDto,
  IntegrationReplacementDto,
  IntegrationTypeDto,
  ListIntegrationsQuery,
  RpcSubjects,
  TestIntegrationBody,
  TestIntegrationResultDto,
} from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';

export type IntegrationLifecycleAction = 'enable' | 'disable' | 'deprecate';

/** Integrations, for every door. Secrets come back masked from integration-service. */
@Injectable()
export class IntegrationsService {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  create(config: IntegrationConfigDto): Promise<IntegrationDto> {
    return this.bus.request(RpcSubjects.IntegrationCreate, config);
  }

  bulk(body: BulkRegisterRequest): Promise<BulkRegisterResultDto> {
    return this.bus.request(RpcSubjects.IntegrationBulk, body);
  }

  types(): Promise<IntegrationTypeDto[]> {
    return this.bus.request(RpcSubjects.IntegrationTypes, {});
  }

  list(query: ListIntegrationsQuery): Promise<IntegrationPageDto> {
    return this.bus.request(RpcSubjects.IntegrationList, query);
  }

  get(id: string): Promise<IntegrationDto> {
    return this.bus.request(RpcSubjects.IntegrationGet, { id });
  }

  /** Full replacement. A GET body may come back unchanged: its read-only fields are dropped, its masks keep the stored secrets. */
  update(id: string, body: IntegrationConfigDto | IntegrationReplacementDto): Promise<IntegrationDto> {
    const { id: bodyId, status: _status, status_reason: _reason, created_at: _created, updated_at: _updated, ...config } = body as IntegrationReplacementDto;
    if (bodyId !== undefined && bodyId !== id) {
      throw new AppException('VALIDATION_FAILED', 'The body is another integration than the path names', { errors: [{ field: 'id', message: 'must be the id in the path (or left out)' }] });
    }
    return this.bus.request(RpcSubjects.IntegrationUpdate, { id, config });
  }

  async delete(id: string): Promise<void> {
    await this.bus.request(RpcSubjects.IntegrationDelete, { id });
  }

  /** Runs initialize and the health check now (optionally a test event): success → ACTIVE, failure → ERROR. */
  test(id: string, body: TestIntegrationBody): Promise<TestIntegrationResultDto> {
    return this.bus.request(RpcSubjects.IntegrationTest, { id, ...body });
  }

  lifecycle(id: string, action: IntegrationLifecycleAction): Promise<IntegrationDto> {
    return this.bus.request(RpcSubjects.IntegrationLifecycle, { id, action });
  }
}
