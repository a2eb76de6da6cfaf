import { decodeEnvelope, ENVELOPE_FIELDS, type StoredEntry } from './envelope'
import { decodeLegacyEnvelope, LEGACY_FIELDS } from './legacy-envelope'
import { perKey, type RedisClient } from './redis-client'

/**
 * The one way cache entries are read from Redis, by the API and the worker alike: HMGET of
 * ENVELOPE_FIELDS as buffers (so stored gzip survives), decoded with the shared codec. A hash
 * still in the layout before `meta` costs a second HMGET (see legacy-envelope). Redis failures
 * are thrown as they are; the caller maps them.
 */
export async function readEntry(redis: RedisClient, key: string): Promise<StoredEntry | null> {
  return decoded(redis, key, await redis.hmgetBuffer(key, ...ENVELOPE_FIELDS))
}

/**
 * The entries at `keys`, in order (null where absent): one round trip on a single server,
 * parallel reads routed per slot on a cluster (`perKey`).
 */
export async function readEntries(
  redis: RedisClient,
  keys: readonly string[],
): Promise<(StoredEntry | null)[]> {
  const replies = await perKey(redis, keys, (client, key) =>
    client.hmgetBuffer(key, ...ENVELOPE_FIELDS),
  )
  return Promise.all(
    replies.map(async ([error, values], index) => {
      // A failure of one command inside the pipeline fails the read, as a single read's would.
      if (error) throw error
      return decoded(redis, keys[index] as string, values as (Buffer | null)[])
    }),
  )
}

function decoded(
  redis: RedisClient,
  key: string,
  values: (Buffer | null)[],
): StoredEntry | null | Promise<StoredEntry | null> {
  if (values[1] === null && values[0] !== null) return readLegacy(redis, key)
  return decodeEnvelope(values)
}

async function readLegacy(redis: RedisClient, key: string): Promise<StoredEntry | null> {
  return decodeLegacyEnvelope(await redis.hmgetBuffer(key, ...LEGACY_FIELDS))
}
