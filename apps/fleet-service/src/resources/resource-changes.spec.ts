import { describeChanges, diffTags, isGone } from './resource-changes';
import type { CollectedResource } from '../inventory';

const resource = (over: Partial<CollectedResource> = {}): CollectedResource => ({
  arn: 'arn:aws:ec2:us-east-1:123456789012:instance/i-1',
  account_id: '123456789012',
  region: 'us-east-1',
  service: 'ec2',
  type: 'ec2:instance',
  name: 'web',
  state: 'running',
  tags: { env: 'prod' },
  created_at: null,
  properties: {},
  ...over,
});
const unchanged = { arn: 'a', isNew: false, wasRemoved: false, oldName: 'web', oldState: 'running', oldTags: null, changedProperties: null };

describe('resource change detection', () => {
  it('reports nothing when the upsert found no difference', () => {
    expect(describeChanges(unchanged, resource())).toBeNull();
  });

  it('names the state move, the tag edits and the property keys', () => {
    const changes = describeChanges({ ...unchanged, oldState: 'stopped', oldTags: { env: 'dev', owner: 'x' }, changedProperties: ['State'] }, resource({ tags: { env: 'prod', team: 'ops' } }));
    expect(changes).toEqual({
      fields: ['state', 'tags', 'properties'],
      state: { from: 'stopped', to: 'running' },
      tags: { added: { team: 'ops' }, removed: ['owner'], changed: { env: { from: 'dev', to: 'prod' } } },
      properties: ['State'],
    });
  });

  it('reports a rename', () => {
    expect(describeChanges({ ...unchanged, oldName: 'old' }, resource())).toEqual({ fields: ['name'], name: { from: 'old', to: 'web' } });
  });

  it('treats equal tag sets as no tag change', () => {
    expect(diffTags({ a: '1' }, { a: '1' })).toBeNull();
  });

  it('treats terminated and deleted resources as gone', () => {
    expect(isGone(resource({ state: 'terminated' }))).toBe(true);
    expect(isGone(resource({ state: 'deleted' }))).toBe(true);
    expect(isGone(resource({ state: 'stopped' }))).toBe(false);
  });
});
