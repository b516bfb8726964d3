import {
  AppException,
  applyMergePatch,
  BulkRegisterRequest,
  BulkRegisterResultDto,
  IntegrationConfigDto,
  IntegrationDto,
  IntegrationPageDto,
  IntegrationReplacementDto,
  IntegrationTypeDto,
  ListIntegrationsQuery,
  RotateSigningSecretBody,
  RpcSubjects,
  SigningSecretDto,
  TestIntegrationBody,
  TestIntegrationResultDto,
} from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';

/** Merges a patch tries against a changing integration before answering CONFLICT. */
const PATCH_ATTEMPTS = 5;

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
  update(id: string, body: IntegrationConfigDto | IntegrationReplacementDto, expectedUpdatedAt?: string): Promise<IntegrationDto> {
    const { id: bodyId, status: _status, status_reason: _reason, created_at: _created, updated_at: _updated, ...config } = body as IntegrationReplacementDto;
    if (bodyId !== undefined && bodyId !== id) {
      throw new AppException('VALIDATION_FAILED', 'The body is another integration than the path names', { errors: [{ field: 'id', message: 'must be the id in the path (or left out)' }] });
    }
    return this.bus.request(RpcSubjects.IntegrationUpdate, { id, config, expected_updated_at: expectedUpdatedAt });
  }

  /**
   * Partial update as a JSON Merge Patch (RFC 7396) of what GET returns: merged there, then the same full, validated
   * replacement as PUT, so masks in the merged body keep their secrets and read-only fields are ignored.
   */
  async patch(id: string, patch: unknown): Promise<IntegrationDto> {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new AppException('VALIDATION_FAILED', 'A merge patch of an integration is a JSON object', { errors: [{ field: 'body', message: 'must be a JSON object' }] });
    }
    // Replaced only if nothing changed it since this read; a change meanwhile (another patch, a rotation, a status
    // change) means merging again onto the new state, so two patches of different fields both land.
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(id);
      try {
        return await this.update(id, applyMergePatch(current, patch) as IntegrationReplacementDto, current.updated_at);
      } catch (e) {
        if (!(e instanceof AppException && e.code === 'CONFLICT') || attempt === PATCH_ATTEMPTS) throw e;
      }
    }
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

  /** A WEBHOOK's signing secret in clear (admins; audited as a read of a secret, never with the value). */
  signingSecret(id: string): Promise<SigningSecretDto> {
    return this.bus.request(RpcSubjects.IntegrationSecretGet, { id });
  }

  /** A new signing secret; the replaced one is still used for `grace_seconds` (default 24 h). */
  rotateSigningSecret(id: string, body: RotateSigningSecretBody): Promise<SigningSecretDto> {
    return this.bus.request(RpcSubjects.IntegrationSecretRotate, { id, ...body });
  }
}
