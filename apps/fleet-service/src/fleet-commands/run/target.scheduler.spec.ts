import { AccountSlots } from './account-slots';
import { allowedErrors, ScheduledTarget, TargetOutcome, TargetScheduler } from './target.scheduler';

/** A run function whose targets end when the test says so, recording what ran at once. */
function controllableRun() {
  const started: ScheduledTarget[] = [];
  const finishers = new Map<number, (o: TargetOutcome) => void>();
  const signals = new Map<number, AbortSignal>();
  const run = (t: ScheduledTarget, signal: AbortSignal) =>
    new Promise<TargetOutcome>((resolve) => {
      started.push(t);
      signals.set(t.seq, signal);
      finishers.set(t.seq, resolve);
      signal.addEventListener('abort', () => resolve('CANCELLED'), { once: true });
    });
  const finish = async (seq: number, outcome: TargetOutcome) => {
    finishers.get(seq)!(outcome);
    // let the scheduler's promise chain run
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { run, started, finish, signals };
}

const targets = (spec: Array<[string, string]>): ScheduledTarget[] => spec.map(([account_id, region], seq) => ({ seq, account_id, region }));

describe('TargetScheduler', () => {
  it('keeps at most max_concurrency running and starts the next as one ends', async () => {
    const c = controllableRun();
    const s = new TargetScheduler({ targets: targets([['a', 'r1'], ['b', 'r1'], ['c', 'r1'], ['d', 'r1']]), maxConcurrency: 2, allowedErrors: 10, slots: new AccountSlots(4), run: c.run });
    const done = s.start();
    expect(c.started.map((t) => t.seq)).toEqual([0, 1]);
    await c.finish(0, 'SUCCESS');
    expect(c.started.map((t) => t.seq)).toEqual([0, 1, 2]);
    await c.finish(1, 'SUCCESS');
    await c.finish(2, 'SUCCESS');
    await c.finish(3, 'SUCCESS');
    await expect(done).resolves.toEqual({ stoppedBy: null, notStarted: [], errors: 0 });
  });

  it('caps runs per account, letting other accounts go ahead', async () => {
    const c = controllableRun();
    const slots = new AccountSlots(2);
    const s = new TargetScheduler({ targets: targets([['a', 'r1'], ['a', 'r2'], ['a', 'r3'], ['b', 'r1']]), maxConcurrency: 8, allowedErrors: 10, slots, run: c.run });
    const done = s.start();
    expect(c.started.map((t) => t.seq)).toEqual([0, 1, 3]);
    expect(slots.inUseFor('a')).toBe(2);
    await c.finish(1, 'SUCCESS');
    expect(c.started.map((t) => t.seq)).toEqual([0, 1, 3, 2]);
    for (const seq of [0, 2, 3]) await c.finish(seq, 'SUCCESS');
    await done;
    expect(slots.inUseFor('a')).toBe(0);
  });

  it('shares the per-account cap between two commands', async () => {
    const c1 = controllableRun();
    const c2 = controllableRun();
    const slots = new AccountSlots(1);
    const s1 = new TargetScheduler({ targets: targets([['a', 'r1']]), maxConcurrency: 8, allowedErrors: 0, slots, run: c1.run });
    const s2 = new TargetScheduler({ targets: targets([['a', 'r2']]), maxConcurrency: 8, allowedErrors: 0, slots, run: c2.run });
    const d1 = s1.start();
    const d2 = s2.start();
    expect(c2.started).toHaveLength(0);
    await c1.finish(0, 'SUCCESS');
    expect(c2.started).toHaveLength(1);
    await c2.finish(0, 'SUCCESS');
    await Promise.all([d1, d2]);
  });

  it('starts nothing new once errors exceed max_errors; running targets finish; the rest are reported not started', async () => {
    const c = controllableRun();
    const s = new TargetScheduler({ targets: targets([['a', 'r1'], ['b', 'r1'], ['c', 'r1'], ['d', 'r1'], ['e', 'r1']]), maxConcurrency: 2, allowedErrors: 1, slots: new AccountSlots(4), run: c.run });
    const done = s.start();
    await c.finish(0, 'FAILED'); // 1 error: tolerated, seq 2 starts
    expect(c.started.map((t) => t.seq)).toEqual([0, 1, 2]);
    await c.finish(2, 'TIMED_OUT'); // 2 errors > 1: stop starting
    expect(c.started.map((t) => t.seq)).toEqual([0, 1, 2]);
    expect(c.signals.get(1)!.aborted).toBe(false); // the running one is not aborted
    await c.finish(1, 'SUCCESS');
    const summary = await done;
    expect(summary.stoppedBy).toBe('max_errors');
    expect(summary.errors).toBe(2);
    expect(summary.notStarted.map((t) => t.seq)).toEqual([3, 4]);
  });

  it('max_errors 0 stops after the first failure', async () => {
    const c = controllableRun();
    const s = new TargetScheduler({ targets: targets([['a', 'r1'], ['a', 'r2'], ['a', 'r3']]), maxConcurrency: 1, allowedErrors: 0, slots: new AccountSlots(4), run: c.run });
    const done = s.start();
    await c.finish(0, 'FAILED');
    expect((await done).notStarted.map((t) => t.seq)).toEqual([1, 2]);
  });

  it('stop(cancel) aborts running targets with the reason and starts nothing else', async () => {
    const c = controllableRun();
    const s = new TargetScheduler({ targets: targets([['a', 'r1'], ['b', 'r1'], ['c', 'r1']]), maxConcurrency: 2, allowedErrors: 0, slots: new AccountSlots(4), run: c.run });
    const done = s.start();
    s.stop('cancel');
    const summary = await done;
    expect(c.signals.get(0)!.reason).toBe('cancel');
    expect(c.signals.get(1)!.aborted).toBe(true);
    expect(summary).toEqual({ stoppedBy: 'cancel', notStarted: [{ seq: 2, account_id: 'c', region: 'r1' }], errors: 0 });
  });

  it('counts a run that throws as a failure', async () => {
    const slots = new AccountSlots(1);
    const s = new TargetScheduler({ targets: targets([['a', 'r1'], ['a', 'r2']]), maxConcurrency: 1, allowedErrors: 0, slots, run: () => Promise.reject(new Error('boom')) });
    const summary = await s.start();
    expect(summary).toMatchObject({ stoppedBy: 'max_errors', errors: 1 });
    expect(slots.inUseFor('a')).toBe(0);
  });

  it('finishes at once with no targets', async () => {
    const s = new TargetScheduler({ targets: [], maxConcurrency: 1, allowedErrors: 0, slots: new AccountSlots(1), run: () => Promise.resolve('SUCCESS') });
    await expect(s.start()).resolves.toEqual({ stoppedBy: null, notStarted: [], errors: 0 });
  });
});

describe('allowedErrors', () => {
  it('takes counts as they are and percentages of all targets, rounded down', () => {
    expect(allowedErrors(0, 10)).toBe(0);
    expect(allowedErrors(3, 10)).toBe(3);
    expect(allowedErrors('3', 10)).toBe(3);
    expect(allowedErrors('10%', 25)).toBe(2);
    expect(allowedErrors('10%', 4)).toBe(0);
    expect(allowedErrors('100%', 7)).toBe(7);
    expect(() => allowedErrors('x', 1)).toThrow(TypeError);
  });
});
