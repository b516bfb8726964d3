import { stopMessage, SYNC_INTERRUPTED, SyncLeases, SyncLeaseStore } from './sync-leases';

describe('SyncLeases (heartbeat of running syncs)', () => {
  let liveRuns: Set<string>;
  let heldTokens: Set<string>;
  let failing: boolean;
  let stops: Array<[string, string, string]>;
  let renewed: { runs: string[][]; tokens: string[][] };
  let leases: SyncLeases;

  beforeEach(() => {
    liveRuns = new Set(['run-1', 'run-2']);
    heldTokens = new Set(['tok-a', 'tok-b']);
    failing = false;
    stops = [];
    renewed = { runs: [], tokens: [] };
    const store: SyncLeaseStore = {
      renewRuns: async (ids) => {
        if (failing) throw new Error('database unavailable');
        renewed.runs.push(ids);
        return ids.filter((id) => liveRuns.has(id));
      },
      renewAccounts: async (tokens) => {
        if (failing) throw new Error('database unavailable');
        renewed.tokens.push(tokens);
        return tokens.filter((t) => heldTokens.has(t));
      },
    };
    leases = new SyncLeases(store, (run, account, reason) => stops.push([run, account, reason]));
    leases.track('run-1', [{ accountId: 'A', token: 'tok-a' }, { accountId: 'B', token: 'tok-b' }]);
    leases.track('run-2', [{ accountId: 'C', token: null }]);
  });

  it('renews every run and every account lease it holds, and stops nothing while all are still held', async () => {
    await leases.renew();
    expect(renewed.runs).toEqual([['run-1', 'run-2']]);
    expect(renewed.tokens).toEqual([['tok-a', 'tok-b']]);
    expect(stops).toEqual([]);
    expect(leases.signal('run-1', 'A').aborted).toBe(false);
  });

  it('stops only the account whose lease was taken over, with a reason that says so', async () => {
    heldTokens.delete('tok-b');
    await leases.renew();
    expect(stops).toEqual([['run-1', 'B', 'lease-lost']]);
    expect(leases.signal('run-1', 'B').reason).toBe('lease-lost');
    expect(stopMessage(leases.signal('run-1', 'B').reason)).toMatch(/taken over by another fleet-service instance; nothing was marked removed/);
    expect(leases.signal('run-1', 'A').aborted).toBe(false);
    // A lost lease is not renewed again.
    await leases.renew();
    expect(renewed.tokens[1]).toEqual(['tok-a']);
  });

  it('stops every account of a run that was ended elsewhere (its own lease had expired)', async () => {
    liveRuns.delete('run-1');
    await leases.renew();
    expect(stops.sort()).toEqual([['run-1', 'A', 'ended'], ['run-1', 'B', 'ended']]);
    expect(leases.signal('run-2', 'C').aborted).toBe(false);
  });

  it('a failed renewal stops nothing: the leases run on and the next heartbeat tries again', async () => {
    failing = true;
    await expect(leases.renew()).rejects.toThrow('database unavailable');
    expect(stops).toEqual([]);
    failing = false;
    await leases.renew();
    expect(stops).toEqual([]);
  });

  it('stops everything on shutdown; an untracked run is neither renewed nor stopped, and reads as ended', async () => {
    leases.untrack('run-2');
    leases.stopAll('shutdown');
    expect(stops.sort()).toEqual([['run-1', 'A', 'shutdown'], ['run-1', 'B', 'shutdown']]);
    expect(stopMessage(leases.signal('run-1', 'A').reason)).toBe(SYNC_INTERRUPTED);
    expect(leases.signal('run-2', 'C').reason).toBe('ended');
    expect(leases.token('run-1', 'A')).toBe('tok-a');
    expect(leases.token('run-2', 'C')).toBeNull();
    await leases.renew();
    expect(renewed.runs).toEqual([['run-1']]);
    expect(renewed.tokens).toEqual([[]]);
  });
});
