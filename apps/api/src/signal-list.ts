import { createHash } from 'node:crypto'
import { signal, signalSymbolIndex } from '@marketcache/shared/datasets/signal'
import type { Envelope } from '@marketcache/shared/envelope'
import { Type } from '@sinclair/typebox'
import { CacheStatus } from './http-cache'
import { readIndexMembers } from './index-members'
import { ReadOutcome } from './read-telemetry'
import type { ApiServices } from './services'

/** The body of `GET /v1/signals`. */
export const SignalListResponse = Type.Object(
  {
    symbol: Type.String({ description: 'The symbol, upper case.' }),
    items: Type.Array(Type.Ref(signal.value.$id as string), {
      description: 'Active signals, soonest expiry first.',
    }),
  },
  { $id: 'SignalList' },
)

/** A symbol's active signals, as one envelope `sendEnvelope` answers like any entry. */
export interface SignalList {
  status: CacheStatus
  envelope: Envelope
}

/**
 * The active signals of one symbol, from the writer's index (`readIndexMembers`). The body
 * splices the stored JSON strings: `{"symbol":"AAPL","items":[…]}`, soonest expiry first.
 *
 * The list is a version of its own: its ETag digests its members' keys and ETags, it is fresh
 * until its first member expires, and it is as old as its newest member.
 */
export async function readSignalList(
  services: ApiServices,
  rawSymbol: string,
  limit: number,
): Promise<SignalList> {
  const symbol = signalSymbolIndex.parse(rawSymbol)
  const now = Date.now()
  const listed = await readIndexMembers(services, signal, symbol, limit)
  const stale = listed.some((member) => member.stale)
  const status = stale ? CacheStatus.stale : CacheStatus.hit
  services.telemetry.count(signal.name, stale ? ReadOutcome.stale : ReadOutcome.hit)
  const members = listed.map((member) => member.envelope)
  return { status, envelope: listEnvelope(symbol, members, now) }
}

function listEnvelope(symbol: string, members: readonly Envelope[], now: number): Envelope {
  const digest = createHash('sha256').update(symbol)
  for (const member of members) digest.update(`\n${member.etag}`)
  const freshUntil = Math.min(...members.map((m) => m.freshUntil), members.length ? Infinity : now)
  return {
    data: `{"symbol":${JSON.stringify(symbol)},"items":[${members.map((m) => m.data).join(',')}]}`,
    asOf: members.length ? Math.max(...members.map((m) => m.asOf)) : Number.NaN,
    fetchedAt: members.length ? Math.max(...members.map((m) => m.fetchedAt)) : now,
    freshUntil,
    staleUntil: freshUntil,
    errorUntil: freshUntil,
    etag: `"${digest.digest('hex').slice(0, 16)}"`,
    source: 'pushed',
    schema: signal.schemaVersion,
  }
}
