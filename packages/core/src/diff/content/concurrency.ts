/**
 * `fn` over `items` with at most `limit` calls pending at once; the results in the order of `items`.
 * Rules that read file content use it so reads queue up in the content reader (one git process answers
 * them back to back) instead of each waiting for the one before, and stay bounded in memory.
 */
export async function mapInOrder<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
