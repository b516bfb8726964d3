import { isDeepStrictEqual } from 'node:util';
import { AnyDomainEvent, AppException, domainEvent, EventSubjects, IntegrationDto, IntegrationStatus } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IntegrationEntity } from '../../integration.entity';
import { IntegrationMapper } from '../../integration.mapper';
import { IntegrationValidator } from '../../integration-validator';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { resolveMaskedSecrets } from '../../secrets/integration-secrets';
import { UpdateIntegrationCommand } from './update-integration.command';

const COMPARED: (keyof IntegrationEntity)[] = ['name', 'description', 'type', 'direction', 'version', 'enabled', 'timeout_seconds', 'rate_limit_per_minute', 'tags', 'metadata', 'auth', 'health_check', 'retry', 'connection', 'subscriptions', 'delivery'];

@CommandHandler(UpdateIntegrationCommand)
export class UpdateIntegrationHandler implements ICommandHandler<UpdateIntegrationCommand> {
  constructor(
    @Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository,
    private readonly mapper: IntegrationMapper,
    private readonly validator: IntegrationValidator,
  ) {}

  async execute({ id, config }: UpdateIntegrationCommand): Promise<IntegrationDto> {
    const current = await this.repo.findById(id);
    if (!current) throw new AppException('INTEGRATION_NOT_FOUND', `No integration with id ${id}`);
    if (current.status === IntegrationStatus.DEPRECATED) throw new AppException('INTEGRATION_DEPRECATED', `Integration "${current.name}" is deprecated: it is read-only`);
    const storedSecrets = this.mapper.secretsOf(current);
    const { secrets: incoming, ...publicCopy } = this.mapper.split(config);
    const secrets = resolveMaskedSecrets(incoming, storedSecrets);
    // Validated with the stored values where masks came back: a GET body PUT back unchanged is valid.
    this.validator.assertServable(this.mapper.resolved(config, publicCopy, secrets));
    // `enabled: false` is the same as disabling; enabling again starts over at CONFIGURING.
    const status = !config.enabled ? IntegrationStatus.INACTIVE : current.status === IntegrationStatus.INACTIVE ? IntegrationStatus.CONFIGURING : (current.status as IntegrationStatus);
    const next = this.mapper.toEntity(id, config, secrets, publicCopy, status, current.created_at, new Date());
    next.status_reason = status === current.status ? current.status_reason : status === IntegrationStatus.INACTIVE ? 'disabled' : null;
    next.status_changed_at = status === current.status ? current.status_changed_at : next.updated_at;
    const changed = COMPARED.filter((k) => !isDeepStrictEqual(current[k], next[k]));
    if (!isDeepStrictEqual(storedSecrets, secrets)) changed.push('secrets' as keyof IntegrationEntity);
    const after = this.mapper.toPublic(next);
    const events: AnyDomainEvent[] = [domainEvent(EventSubjects.IntegrationUpdated, { integration: after, changed_fields: changed as string[] }, id)];
    if (status !== current.status) {
      events.push(domainEvent(EventSubjects.IntegrationStatusChanged, { id, name: next.name, from: current.status as IntegrationStatus, to: status, reason: next.status_reason, integration: after }, id));
    }
    if (!(await this.repo.update(next, events))) throw new AppException('INTEGRATION_NOT_FOUND', `No integration with id ${id}`);
    return this.mapper.toDto(next);
  }
}
