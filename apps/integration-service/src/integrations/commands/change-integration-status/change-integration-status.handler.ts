import { AppException, domainEvent, EventSubjects, IntegrationDto, integrationNotFound, IntegrationStatus } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IntegrationMapper } from '../../integration.mapper';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { assertTransition, canTransition } from '../../lifecycle/integration-lifecycle';
import { ChangeIntegrationStatusCommand } from './change-integration-status.command';

/** Returns the integration after the change, or null when `quietIfInvalid` and the change did not apply. */
@CommandHandler(ChangeIntegrationStatusCommand)
export class ChangeIntegrationStatusHandler implements ICommandHandler<ChangeIntegrationStatusCommand> {
  constructor(
    @Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository,
    private readonly mapper: IntegrationMapper,
  ) {}

  async execute({ id, to, reason, opts }: ChangeIntegrationStatusCommand): Promise<IntegrationDto | null> {
    const row = await this.repo.findById(id);
    if (!row) {
      if (opts.quietIfInvalid) return null;
      throw integrationNotFound(id);
    }
    const from = row.status as IntegrationStatus;
    if (opts.from && opts.from !== from) return null;
    const sameButEnabledChanges = from === to && opts.enabled !== undefined && opts.enabled !== row.enabled;
    if (!sameButEnabledChanges) {
      if (opts.quietIfInvalid && !canTransition(from, to)) return null;
      assertTransition(from, to, row.name);
    }
    const next = await this.repo.transition(id, from, to, reason, opts.enabled === undefined ? {} : { enabled: opts.enabled }, (n) =>
      from !== to ? [domainEvent(EventSubjects.IntegrationStatusChanged, { id, name: row.name, from, to, reason, integration: this.mapper.toPublic(n) }, id)] : [],
    );
    if (!next) {
      if (opts.quietIfInvalid) return null;
      throw new AppException('CONFLICT', `Integration "${row.name}" changed while it was being updated; try again`);
    }
    return this.mapper.toDto(next);
  }
}
