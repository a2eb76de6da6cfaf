import { decodeEnvelope, ENVELOPE_FIELDS, type StoredEntry } from '@marketcache/shared/envelope'
import type { Redis } from 'ioredis'

/** Reads an entry the way the API does (HMGET in ENVELOPE_FIELDS order). */
export async function readEntry(redis: Redis, key: string): Promise<StoredEntry | null> {
  const values = await redis.hmget(key, ...ENVELOPE_FIELDS)
  return decodeEnvelope(values)
}
