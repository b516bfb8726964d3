import { EventSubjects, SyncStatus, SyncTaskStatus } from '@app/contracts';
import type { CollectedResource } from '../inventory';
import type { UpsertChange } from '../resources/resources.repository';
import { removedEvents, resourceEvents, syncCompletedData } from './sync-events';
import { SyncRunEntity } from './sync-run.entity';
import { SyncTaskEntity } from './sync-task.entity';

const resource = (arn: string, over: Partial<CollectedResource> = {}): CollectedResource => ({
  arn, account_id: '123456789012', region: 'eu-west-1', service: 'ec2', type: 'ec2:instance', name: 'web', state: 'running', tags: { env: 'prod' }, created_at: null, properties: { big: 'x'.repeat(100) }, ...over,
});
const change = (arn: string, over: Partial<UpsertChange> = {}): UpsertChange => ({ arn, isNew: false, wasRemoved: false, oldName: null, oldState: null, oldTags: null, changedProperties: null, ...over });

describe('sync events', () => {
  it('tells discovered for new rows and changed for real differences only, without properties, and counts them', () => {
    const byArn = new Map(['a', 'b', 'c'].map((arn) => [arn, resource(arn)]));
    const made = { discovered: 0, changed: 0 };
    const events = resourceEvents([change('a', { isNew: true }), change('b', { oldState: 'stopped' }), change('c'), change('gone', { isNew: true })], byArn, 'sync-1', made);
    expect(made).toEqual({ discovered: 1, changed: 1 });
    expect(events.map((e) => [e.type, e.subject])).toEqual([
      [EventSubjects.FleetResourceDiscovered, 'a'],
      [EventSubjects.FleetResourceChanged, 'b'],
    ]);
    expect(events[0].data).toEqual({ resource: { arn: 'a', account_id: '123456789012', region: 'eu-west-1', service: 'ec2', type: 'ec2:instance', name: 'web', state: 'running', tags: { env: 'prod' } }, sync_id: 'sync-1' });
    expect(events[1].data).toMatchObject({ changes: { fields: ['state'], state: { from: 'stopped', to: 'running' } }, sync_id: 'sync-1' });
  });

  it('tells removed per row with the time and the sync', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const [e] = removedEvents([resource('a')], at, 'sync-1');
    expect(e).toMatchObject({ type: EventSubjects.FleetResourceRemoved, subject: 'a', data: { removed_at: '2026-01-01T00:00:00.000Z', sync_id: 'sync-1', resource: { arn: 'a' } } });
    expect((e.data.resource as unknown as Record<string, unknown>).properties).toBeUndefined();
  });

  it("sums a run's tasks into its completed event", () => {
    const run = Object.assign(new SyncRunEntity(), { id: 'r', trigger: 'MANUAL', started_at: new Date('2026-01-01T00:00:00Z') });
    const task = (status: string, n: number) => Object.assign(new SyncTaskEntity(), { status, resources_seen: n, discovered: n, changed: 1, removed: 0 });
    const data = syncCompletedData(run, [task(SyncTaskStatus.Succeeded, 3), task(SyncTaskStatus.Failed, 2)], SyncStatus.Partial, new Date('2026-01-01T00:01:00Z'), null);
    expect(data).toEqual({ id: 'r', trigger: 'MANUAL', status: SyncStatus.Partial, tasks_total: 2, tasks_failed: 1, resources_seen: 5, discovered: 5, changed: 2, removed: 0, started_at: '2026-01-01T00:00:00.000Z', finished_at: '2026-01-01T00:01:00.000Z', status_reason: null });
  });
});
