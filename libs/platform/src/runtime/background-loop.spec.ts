import { Logger } from '@nestjs/common';
import { BackgroundLoop, settleWithin, shutdownWaitMs } from './background-loop';

/** Fake timers: the loop's behaviour is about what runs when, which real time would only make slow and fragile. */
describe('BackgroundLoop', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  const logger = () => {
    const l = new Logger('spec');
    const warn = jest.spyOn(l, 'warn').mockImplementation(() => undefined);
    return { l, warn };
  };

  it('runs once per period from one period after start, never two runs at once, and stop waits for the run in hand', async () => {
    const { l } = logger();
    let runs = 0;
    let release: () => void = () => undefined;
    const loop = new BackgroundLoop({ name: 'x', everyMs: 1000, logger: l }, () => {
      runs += 1;
      return new Promise<void>((r) => (release = r));
    }).start();
    await jest.advanceTimersByTimeAsync(999);
    expect(runs).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    expect(loop.busy).toBe(true);
    await jest.advanceTimersByTimeAsync(3000); // still running: the due runs are skipped, not queued
    expect(runs).toBe(1);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(1); // the timer is gone
  });

  it('logs a failed run under its name and runs again at the next period', async () => {
    const { l, warn } = logger();
    let runs = 0;
    const loop = new BackgroundLoop({ name: 'sweep', everyMs: 100, logger: l }, async () => {
      runs++;
      if (runs === 1) throw new Error('database away');
    }).start();
    await jest.advanceTimersByTimeAsync(200);
    expect(runs).toBe(2);
    expect(warn).toHaveBeenCalledWith('sweep failed: database away');
    await loop.stop();
  });

  it('does not keep the process alive', () => {
    const loop = new BackgroundLoop({ name: 'x', everyMs: 100, logger: logger().l }, async () => undefined).start();
    const timer = (loop as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    void loop.stop();
  });
});

describe('settleWithin / shutdownWaitMs', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is true when the work settles (a rejection counts) within the bound, false when the bound comes first', async () => {
    await expect(settleWithin([Promise.resolve(1), Promise.reject(new Error('x'))], 100)).resolves.toBe(true);
    const slow = settleWithin([new Promise((r) => setTimeout(r, 500))], 100);
    await jest.advanceTimersByTimeAsync(100);
    await expect(slow).resolves.toBe(false);
  });

  it('takes its share of the configured grace', () => {
    expect(shutdownWaitMs(10_000, 0.8)).toBe(8000);
    expect(shutdownWaitMs(10_000, 0.5)).toBe(5000);
    expect(shutdownWaitMs(3001, 0.5)).toBe(1500);
  });
});
