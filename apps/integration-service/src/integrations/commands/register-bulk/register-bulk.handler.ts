import { AppException, BulkItemResultDto, BulkRegisterResultDto, domainEvent, EventSubjects, IntegrationConfigDto, validateInto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IntegrationEntity } from '../../integration.entity';
import { IntegrationMapper } from '../../integration.mapper';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { CreateIntegrationHandler } from '../create-integration/create-integration.handler';
import { RegisterBulkCommand } from './register-bulk.command';

const nameOf = (item: unknown, i: number) => (typeof (item as { name?: unknown })?.name === 'string' ? (item as { name: string }).name : `#${i}`);

/**
 * The seed's `register_bulk`: a result per item. Each item is validated and created on its own; with `atomic`
 * either every item is created (in one transaction) or none is.
 */
@CommandHandler(RegisterBulkCommand)
export class RegisterBulkHandler implements ICommandHandler<RegisterBulkCommand> {
  constructor(
    @Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository,
    private readonly creator: CreateIntegrationHandler,
    private readonly mapper: IntegrationMapper,
  ) {}

  async execute({ items, atomic }: RegisterBulkCommand): Promise<BulkRegisterResultDto> {
    const results: BulkItemResultDto[] = [];
    const rows: Array<IntegrationEntity | null> = [];
    const seen = new Set<string>();
    items.forEach((item, i) => {
      try {
        const config = validateInto(IntegrationConfigDto, item, `integration #${i}`);
        const key = config.name.toLowerCase();
        if (seen.has(key)) throw new AppException('INTEGRATION_NAME_TAKEN', `The name "${config.name}" appears more than once in this request`);
        seen.add(key);
        rows.push(this.creator.build(config));
        results.push({ name: config.name, success: true });
      } catch (e) {
        rows.push(null);
        results.push(this.failure(nameOf(item, i), e));
      }
    });

    if (atomic) {
      if (results.some((r) => !r.success)) {
        return this.summary(results.map((r) => (r.success ? { name: r.name, success: false, error: 'Not created: another item failed and atomic was requested' } : r)));
      }
      try {
        await this.repo.insertAll(rows as IntegrationEntity[], (rows as IntegrationEntity[]).map((r) => this.created(r)));
      } catch (e) {
        const err = e instanceof AppException ? e : new AppException('INTERNAL_ERROR', 'The batch could not be stored');
        return this.summary(results.map((r) => ({ name: r.name, success: false, error: err.message })));
      }
      rows.forEach((row, i) => (results[i].id = row!.id));
      return this.summary(results);
    }

    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (!row) continue;
      try {
        await this.repo.insert(row, [this.created(row)]);
        results[i].id = row.id;
      } catch (e) {
        results[i] = this.failure(row.name, e);
      }
    }
    return this.summary(results);
  }

  private created(row: IntegrationEntity) {
    return domainEvent(EventSubjects.IntegrationCreated, { integration: this.mapper.toPublic(row) }, row.id);
  }

  private failure(name: string, e: unknown): BulkItemResultDto {
    if (e instanceof AppException) return { name, success: false, error: e.message, ...(e.errors ? { errors: e.errors } : {}) };
    return { name, success: false, error: 'Unexpected error' };
  }

  private summary(results: BulkItemResultDto[]): BulkRegisterResultDto {
    const created = results.filter((r) => r.success).length;
    return { results, created, failed: results.length - created };
  }
}
