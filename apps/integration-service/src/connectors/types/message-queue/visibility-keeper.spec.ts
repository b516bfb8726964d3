import { HeldMessage, VisibilityKeeper } from './visibility-keeper';

describe('VisibilityKeeper', () => {
  let clock = 0;
  let calls: Array<{ ids: string[]; seconds: number; at: number }>;
  let refuse: Set<string>;
  let failNext: boolean;
  const errors: unknown[] = [];

  const keeper = (timeoutSeconds: number, maxSeconds: number) =>
    new VisibilityKeeper({
      timeoutSeconds,
      maxSeconds,
      now: () => clock,
      onError: (e) => errors.push(e),
      extend: async (entries: HeldMessage[], seconds: number) => {
        if (failNext) {
          failNext = false;
          throw new Error('SQS unavailable');
        }
        calls.push({ ids: entries.map((e) => e.id), seconds, at: clock });
        return entries.filter((e) => refuse.has(e.id)).map((e) => e.id);
      },
    });
  const msg = (id: string) => ({ id, receiptHandle: `rh-${id}` });
  /** Advances the fake clock and timers together, letting each round's awaits settle. */
  const advance = async (ms: number) => {
    for (let i = 0; i < ms / 100; i++) {
      clock += 100;
      await jest.advanceTimersByTimeAsync(100);
    }
  };

  beforeEach(() => {
    jest.useFakeTimers();
    clock = 0;
    calls = [];
    refuse = new Set();
    failNext = false;
    errors.length = 0;
  });
  afterEach(() => jest.useRealTimers());

  it('sets the full timeout again every third of it for every held message, until each is released', async () => {
    const k = keeper(3, 900);
    k.hold([msg('a'), msg('b')]);
    await advance(1000);
    expect(calls).toEqual([{ ids: ['a', 'b'], seconds: 3, at: 1000 }]);
    k.release('a');
    await advance(1000);
    expect(calls[1]).toEqual({ ids: ['b'], seconds: 3, at: 2000 });
    k.release('b');
    await advance(5000);
    expect(calls).toHaveLength(2);
  });

  it('never holds a message past maxSeconds: the last extension is cut to what is left, then it is let go', async () => {
    const k = keeper(3, 4);
    k.hold([msg('slow')]);
    await advance(10_000);
    // at 1 s: 3 s (until 4 s); at 2 s: min(3, 2) = 2; at 3 s: 1; at 4 s nothing is left.
    expect(calls.map((c) => [c.at, c.seconds])).toEqual([[1000, 3], [2000, 2], [3000, 1]]);
  });

  it('stops extending what SQS refuses, and tries again next round after a failed call', async () => {
    const k = keeper(3, 900);
    k.hold([msg('gone'), msg('kept')]);
    refuse.add('gone');
    failNext = true;
    await advance(1000);
    expect(errors).toHaveLength(1);
    expect(calls).toEqual([]);
    await advance(1000);
    await advance(1000);
    expect(calls.map((c) => c.ids)).toEqual([['gone', 'kept'], ['kept']]);
    k.stop();
  });

  it('batches at most 10 entries per call', async () => {
    const k = keeper(3, 900);
    k.hold(Array.from({ length: 13 }, (_, i) => msg(`m${i}`)));
    await advance(1000);
    expect(calls.map((c) => c.ids.length)).toEqual([10, 3]);
    k.stop();
    await advance(3000);
    expect(calls).toHaveLength(2);
  });

  it('does nothing for a visibility timeout of 0 (messages visible again at once by choice)', async () => {
    const k = keeper(0, 900);
    k.hold([msg('a')]);
    await advance(5000);
    expect(calls).toEqual([]);
  });

  it('holds messages of a later receive too while an extension is in flight', async () => {
    const k = keeper(3, 900);
    k.hold([msg('a')]);
    clock += 1000;
    const round = k.tick();
    k.release('a');
    k.hold([msg('b')]);
    await round;
    await advance(1000);
    expect(calls.map((c) => c.ids)).toEqual([['a'], ['b']]);
    k.stop();
  });
});
