import { AppException, EventSubjects, IntegrationDto, IntegrationStatus as S } from '@app/contracts';
import { OutboxEvent } from '@app/persistence';
import { IntegrationEntity } from '../../integration.entity';
import { IntegrationMapper } from '../../integration.mapper';
import { IntegrationRepository } from '../../integration.repository';
import { ChangeIntegrationStatusCommand } from './change-integration-status.command';
import { ChangeIntegrationStatusHandler } from './change-integration-status.handler';

/**
 * The handler decides, the repository's compare-and-set applies: a stub of the port records what was asked for
 * (the SQL of `transition` is covered against PostgreSQL by the e2e suites).
 */
interface Transition {
  id: string;
  from: S;
  to: S;
  reason: string | null;
  patch: { enabled?: boolean };
  events: OutboxEvent[];
}

function setup(row: Partial<IntegrationEntity> | null, opts: { raced?: boolean } = {}) {
  const stored = row ? Object.assign(new IntegrationEntity(), { id: 'i-1', name: 'ops', enabled: true, ...row }) : null;
  const transitions: Transition[] = [];
  const repo: Pick<IntegrationRepository, 'findById' | 'transition'> = {
    findById: async (id) => (stored && stored.id === id ? stored : null),
    transition: async (id, from, to, reason, patch, events) => {
      if (opts.raced || !stored) return null;
      const next = Object.assign(new IntegrationEntity(), stored, { status: to, status_reason: reason }, patch);
      transitions.push({ id, from, to, reason, patch, events: events(next) });
      return next;
    },
  };
  const mapper: Pick<IntegrationMapper, 'toDto' | 'toPublic'> = {
    toDto: (r) => ({ id: r.id, status: r.status, enabled: r.enabled }) as unknown as IntegrationDto,
    toPublic: (r) => ({ id: r.id, status: r.status }) as unknown as ReturnType<IntegrationMapper['toPublic']>,
  };
  const handler = new ChangeIntegrationStatusHandler(repo as IntegrationRepository, mapper as IntegrationMapper);
  return { handler, transitions };
}

const fails = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as AppException);

describe('ChangeIntegrationStatusHandler', () => {
  it('applies an allowed change with its status.changed event carrying the public view', async () => {
    const { handler, transitions } = setup({ status: S.CONFIGURING });
    const dto = await handler.execute(new ChangeIntegrationStatusCommand('i-1', S.TESTING, 'connection test started'));
    expect(dto).toEqual({ id: 'i-1', status: S.TESTING, enabled: true });
    expect(transitions).toHaveLength(1);
    const [t] = transitions;
    expect(t).toMatchObject({ id: 'i-1', from: S.CONFIGURING, to: S.TESTING, reason: 'connection test started', patch: {} });
    expect(t.events).toHaveLength(1);
    expect(t.events[0]).toMatchObject({ type: EventSubjects.IntegrationStatusChanged, subject: 'i-1', data: { id: 'i-1', name: 'ops', from: S.CONFIGURING, to: S.TESTING, reason: 'connection test started', integration: { id: 'i-1', status: S.TESTING } } });
  });

  it('is INTEGRATION_NOT_FOUND for an unknown id, or null when asked to stay quiet', async () => {
    const { handler } = setup(null);
    expect(await fails(handler.execute(new ChangeIntegrationStatusCommand('i-1', S.ACTIVE, null)))).toMatchObject({ code: 'INTEGRATION_NOT_FOUND', message: 'No integration with id i-1' });
    expect(await handler.execute(new ChangeIntegrationStatusCommand('i-1', S.ACTIVE, null, { quietIfInvalid: true }))).toBeNull();
  });

  it('refuses a change the lifecycle forbids (and says deprecated ones are read-only), or drops it quietly', async () => {
    const inactive = setup({ status: S.INACTIVE });
    expect(await fails(inactive.handler.execute(new ChangeIntegrationStatusCommand('i-1', S.ACTIVE, null)))).toMatchObject({ code: 'INTEGRATION_INVALID_TRANSITION' });
    expect(await inactive.handler.execute(new ChangeIntegrationStatusCommand('i-1', S.ACTIVE, null, { quietIfInvalid: true }))).toBeNull();
    expect(inactive.transitions).toEqual([]);
    const deprecated = setup({ status: S.DEPRECATED });
    expect(await fails(deprecated.handler.execute(new ChangeIntegrationStatusCommand('i-1', S.CONFIGURING, null)))).toMatchObject({ code: 'INTEGRATION_DEPRECATED' });
  });

  it('changes nothing when the pinned current status no longer holds (a user moved it meanwhile)', async () => {
    const { handler, transitions } = setup({ status: S.INACTIVE });
    expect(await handler.execute(new ChangeIntegrationStatusCommand('i-1', S.ACTIVE, 'connection test passed', { from: S.TESTING, quietIfInvalid: true }))).toBeNull();
    expect(transitions).toEqual([]);
  });

  it('flips `enabled` without a status change, and without an event', async () => {
    const { handler, transitions } = setup({ status: S.ACTIVE, enabled: true });
    expect(await handler.execute(new ChangeIntegrationStatusCommand('i-1', S.ACTIVE, null, { enabled: false }))).toEqual({ id: 'i-1', status: S.ACTIVE, enabled: false });
    expect(transitions).toMatchObject([{ from: S.ACTIVE, to: S.ACTIVE, patch: { enabled: false }, events: [] }]);
  });

  it('is a CONFLICT when the row changed between the read and the compare-and-set, or null when quiet', async () => {
    const { handler } = setup({ status: S.ACTIVE }, { raced: true });
    expect(await fails(handler.execute(new ChangeIntegrationStatusCommand('i-1', S.ERROR, 'down')))).toMatchObject({ code: 'CONFLICT' });
    expect(await handler.execute(new ChangeIntegrationStatusCommand('i-1', S.ERROR, 'down', { quietIfInvalid: true }))).toBeNull();
  });
});
