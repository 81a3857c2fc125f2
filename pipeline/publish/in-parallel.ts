// A bounded worker pool for uploads, reads and deletes. After the first failure no new item
// starts (so a failing target is not hammered with the rest of a part), the items already
// running finish, and the first error is thrown: the caller never returns while requests it
// started are still in flight.

/** Runs `work` over items, at most `limit` at a time. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (!failure && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  });
  await Promise.all(lanes);
  if (failure) throw failure.err;
}
