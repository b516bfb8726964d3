import { followingSlot, leaseSeconds, nextSlotAfter, phaseMs } from './schedule.math';

describe('schedule maths', () => {
  it('gives every id a stable phase inside the interval', () => {
    const id = '3f2c1a9e-6a5b-4a8e-9a51-1f6f2b7c9d10';
    expect(phaseMs(id, 30_000)).toBe(phaseMs(id, 30_000));
    expect(phaseMs(id, 30_000)).toBeGreaterThanOrEqual(0);
    expect(phaseMs(id, 30_000)).toBeLessThan(30_000);
    expect(() => phaseMs(id, 0)).toThrow(RangeError);
  });

  it('spreads many ids evenly over the interval (jitter)', () => {
    const interval = 30_000;
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(phaseMs(`00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`, interval) / 3000)]++;
    // each tenth of the interval gets about a tenth of the checks
    for (const b of buckets) {
      expect(b).toBeGreaterThan(850);
      expect(b).toBeLessThan(1150);
    }
  });

  it('finds the first slot strictly after a time', () => {
    expect(nextSlotAfter(0, 1000, 250)).toBe(250);
    expect(nextSlotAfter(250, 1000, 250)).toBe(1250);
    expect(nextSlotAfter(249, 1000, 250)).toBe(250);
    expect(nextSlotAfter(10_999, 1000, 0)).toBe(11_000);
    const now = Date.UTC(2026, 0, 1, 12, 0, 0, 123);
    const s = nextSlotAfter(now, 30_000, 7_000);
    expect(s).toBeGreaterThan(now);
    expect(s - now).toBeLessThanOrEqual(30_000);
    expect((s - 7_000) % 30_000).toBe(0);
  });

  it('moves to the next slot after a check, skipping (and counting) the slots it overran', () => {
    expect(followingSlot(10_000, 10_400, 5_000)).toEqual({ next: 15_000, missed: 0 });
    expect(followingSlot(10_000, 15_000, 5_000)).toEqual({ next: 20_000, missed: 1 });
    expect(followingSlot(10_000, 27_300, 5_000)).toEqual({ next: 30_000, missed: 3 });
    // the grid is kept: the next slot stays on due + k * interval
    const { next } = followingSlot(1_234, 99_999, 1_000);
    expect((next - 1_234) % 1_000).toBe(0);
    expect(next).toBeGreaterThan(99_999);
  });

  it('leases a check for longer than the probe may take', () => {
    expect(leaseSeconds(30)).toBeGreaterThan(30 + 1);
  });
});
