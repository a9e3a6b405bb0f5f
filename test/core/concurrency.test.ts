/** The one bounded-concurrency helper: the limit holds across callers, order and errors are kept. */
import { describe, expect, it } from 'vitest';
import { createLimiter, mapLimit } from '../../core/concurrency';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createLimiter', () => {
  it('runs at most n at once across all its callers, and every task runs', async () => {
    const limit = createLimiter(3);
    let running = 0;
    let peak = 0;
    const task = (i: number) =>
      limit(async () => {
        running++;
        peak = Math.max(peak, running);
        await tick(5 + (i % 3));
        running--;
        return i;
      });
    // Two "activities" sharing the one limiter.
    const [a, b] = await Promise.all([
      Promise.all(Array.from({ length: 10 }, (_, i) => task(i))),
      Promise.all(Array.from({ length: 10 }, (_, i) => task(i + 10))),
    ]);
    expect(peak).toBe(3);
    expect([...a, ...b]).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(limit.active).toBe(0);
    expect(limit.pending).toBe(0);
  });

  it('a failing task rejects its own promise and frees its place', async () => {
    const limit = createLimiter(1);
    await expect(limit(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      limit(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(await limit(async () => 'next')).toBe('next');
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
    expect(() => createLimiter(1.5)).toThrow(RangeError);
  });
});

describe('mapLimit', () => {
  it('keeps the order of the results with at most n calls in flight', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([30, 10, 20, 5, 15], 2, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await tick(ms);
      running--;
      return `${i}:${ms}`;
    });
    expect(out).toEqual(['0:30', '1:10', '2:20', '3:5', '4:15']);
    expect(peak).toBe(2);
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});
