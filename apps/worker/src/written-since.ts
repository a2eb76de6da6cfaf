import type { CacheReader } from './cache-reader'

/**
 * Whether every entry at `keys` was written at or after `seenAt` (when a producer saw them
 * missing or stale) and is still fresh: a fill another job made since, so asking the provider
 * again would only spend quota. Negative entries count: "does not exist" was answered too.
 */
export async function writtenSince(
  reader: CacheReader,
  keys: readonly string[],
  seenAt: number,
  now: number,
): Promise<boolean> {
  const entries = await reader.entries(keys)
  return entries.every(
    (entry) =>
      entry !== null &&
      entry.fetchedAt >= seenAt &&
      ('notFound' in entry || now < entry.freshUntil),
  )
}
