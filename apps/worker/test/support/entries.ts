import { readEntry as readStored } from '@marketcache/shared/entry-read'
import type { Envelope, StoredEntry } from '@marketcache/shared/envelope'
import type { Redis } from 'ioredis'

/** Reads an entry the way the API does (the shared entry-read). */
export async function readEntry(redis: Redis, key: string): Promise<StoredEntry | null> {
  return readStored(redis, key)
}

/** The parsed value of an entry that must exist (not negative). */
export async function readValue<T>(redis: Redis, key: string): Promise<T> {
  return JSON.parse(((await readEntry(redis, key)) as Envelope).data) as T
}

/** An entry that must exist and not be negative; throws otherwise. */
export async function readEnvelope(redis: Redis, key: string): Promise<Envelope> {
  const entry = await readEntry(redis, key)
  if (entry === null || 'notFound' in entry) throw new Error(`no envelope at ${key}`)
  return entry
}
