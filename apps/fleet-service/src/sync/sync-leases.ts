import { unavailability } from '@app/contracts';

/**
 * Why a sync stops early: this instance shuts down; another instance took the account's periodic-sync lease over
 * (it was not renewed in time); or the run was ended elsewhere because its own lease had expired.
 */
export type SyncStopReason = 'shutdown' | 'lease-lost' | 'ended';

export const SYNC_INTERRUPTED = 'interrupted: fleet-service stopped while the sync ran';
const STOP_MESSAGES: Record<SyncStopReason, string> = {
  shutdown: SYNC_INTERRUPTED,
  'lease-lost': 'abandoned: the account\'s sync lease was taken over by another fleet-service instance; nothing was marked removed',
  ended: 'interrupted: the run was ended by another fleet-service instance (its lease had expired)',
};

export function stopMessage(reason: unknown): string {
  return STOP_MESSAGES[reason as SyncStopReason] ?? SYNC_INTERRUPTED;
}

/**
 * A write of the sync found its database unreachable. The task stops there (retrying the collector would not help),
 * and the run is ended with `message` ("database unavailable: ECONNREFUSED") as soon as the database answers again.
 */
export class SyncDatabaseError extends Error {
  constructor(readonly reason: string) {
    super(`database unavailable: ${reason}`);
    this.name = 'SyncDatabaseError';
  }
}

/** Runs `work` (a write of the sync); a database that cannot be reached becomes a SyncDatabaseError. */
export async function syncWrite<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const u = e instanceof SyncDatabaseError ? undefined : unavailability(e);
    throw u ? new SyncDatabaseError(u.reason) : e;
  }
}

/** Renewal of what this instance holds: each returns the ids/tokens still held (the others were lost). */
export interface SyncLeaseStore {
  renewRuns(runIds: string[]): Promise<string[]>;
  renewAccounts(tokens: string[]): Promise<string[]>;
}

interface HeldAccount {
  /** The account's periodic-sync lease token; null for an on-demand sync (no account lease). */
  token: string | null;
  stop: AbortController;
}

/**
 * The leases of this instance's running syncs: each run's own (proves the instance alive, so no sweep ends
 * the run) and, for periodic syncs, each account's. `renew()` extends them all; what it could not extend was taken
 * over or ended elsewhere, and the tasks concerned are told to stop through their account's AbortSignal (the
 * reason says why). Writes that matter are fenced in the database as well (see ResourcesRepository.markRemoved).
 */
export class SyncLeases {
  private readonly runs = new Map<string, Map<string, HeldAccount>>();

  constructor(
    private readonly store: SyncLeaseStore,
    private readonly onStop: (runId: string, accountId: string, reason: SyncStopReason) => void = () => undefined,
  ) {}

  track(runId: string, accounts: Array<{ accountId: string; token: string | null }>): void {
    this.runs.set(runId, new Map(accounts.map((a) => [a.accountId, { token: a.token, stop: new AbortController() }])));
  }

  untrack(runId: string): void {
    this.runs.delete(runId);
  }

  runIds(): string[] {
    return [...this.runs.keys()];
  }

  /** Aborted when the account's tasks in this run must stop; `signal.reason` is a SyncStopReason. */
  signal(runId: string, accountId: string): AbortSignal {
    const held = this.runs.get(runId)?.get(accountId);
    return held ? held.stop.signal : AbortSignal.abort('ended' satisfies SyncStopReason);
  }

  token(runId: string, accountId: string): string | null {
    return this.runs.get(runId)?.get(accountId)?.token ?? null;
  }

  stopAll(reason: SyncStopReason): void {
    for (const [runId, accounts] of this.runs) for (const accountId of accounts.keys()) this.stop(runId, accountId, reason);
  }

  /** One heartbeat. A failed renewal changes nothing here: the leases run on, and the next heartbeat tries again. */
  async renew(): Promise<void> {
    const runIds = this.runIds();
    if (!runIds.length) return;
    const tokens = [...this.runs.values()].flatMap((accounts) => [...accounts.values()].filter((a) => !a.stop.signal.aborted && a.token).map((a) => a.token!));
    const [liveRuns, heldTokens] = await Promise.all([this.store.renewRuns(runIds), this.store.renewAccounts(tokens)]);
    const live = new Set(liveRuns);
    const held = new Set(heldTokens);
    for (const runId of runIds) {
      const accounts = this.runs.get(runId);
      if (!accounts) continue; // finished meanwhile
      for (const [accountId, a] of accounts) {
        if (!live.has(runId)) this.stop(runId, accountId, 'ended');
        else if (a.token && tokens.includes(a.token) && !held.has(a.token)) this.stop(runId, accountId, 'lease-lost');
      }
    }
  }

  private stop(runId: string, accountId: string, reason: SyncStopReason): void {
    const a = this.runs.get(runId)?.get(accountId);
    if (!a || a.stop.signal.aborted) return;
    a.stop.abort(reason);
    this.onStop(runId, accountId, reason);
  }
}
