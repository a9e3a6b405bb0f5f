/**
 * Bounded concurrency, written once: `createLimiter(n)` runs at most n tasks at a time across all
 * its callers (the worker shares one for composed emails), `mapLimit` maps a list with at most n
 * calls in flight and keeps the order of the results.
 */

export interface Limiter {
  /** Runs `fn` once fewer than the limit are running; resolves or rejects with its result. */
  <T>(fn: () => Promise<T>): Promise<T>;
  /** Running now. */
  readonly active: number;
  /** Waiting for a free place. */
  readonly pending: number;
}

export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a concurrency limit must be a positive integer, got ${limit}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  const run = <T>(fn: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = () => {
        active++;
        let result: Promise<T>;
        try {
          result = fn();
        } catch (error) {
          result = Promise.reject(error);
        }
        result.then(resolve, reject).finally(release);
      };
      if (active < limit) start();
      else waiting.push(start);
    });
  Object.defineProperties(run, {
    active: { get: () => active },
    pending: { get: () => waiting.length },
  });
  return run as Limiter;
}

/** `items.map(fn)` with at most `limit` calls of `fn` in flight; the first rejection rejects the whole. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, lane));
  return results;
}
