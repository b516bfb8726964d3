/**
 * A cap on AWS CLI runs per account, shared by every command of this instance, so that a fan-out over many
 * regions (or two commands at once) does not trip AWS throttling for one account.
 */
export class AccountSlots {
  private readonly inUse = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  constructor(readonly perAccount: number) {
    if (!Number.isInteger(perAccount) || perAccount < 1) throw new TypeError('perAccount must be a positive integer');
  }

  tryAcquire(accountId: string): boolean {
    const n = this.inUse.get(accountId) ?? 0;
    if (n >= this.perAccount) return false;
    this.inUse.set(accountId, n + 1);
    return true;
  }

  release(accountId: string): void {
    const n = this.inUse.get(accountId) ?? 0;
    if (n <= 1) this.inUse.delete(accountId);
    else this.inUse.set(accountId, n - 1);
    for (const l of [...this.listeners]) l();
  }

  inUseFor(accountId: string): number {
    return this.inUse.get(accountId) ?? 0;
  }

  /** Called after every release (a waiting scheduler may now start a target); returns the unsubscribe. */
  onRelease(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
