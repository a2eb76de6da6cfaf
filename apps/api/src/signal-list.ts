import { createHash } from 'node:crypto'
import { signal, signalSymbolIndex } from '@marketcache/shared/datasets/signal'
import type { Envelope } from '@marketcache/shared/envelope'
import { keySegment } from '@marketcache/shared/keys'
import { decideRead } from '@marketcache/shared/read-decision'
import { Type } from '@sinclair/typebox'
import { CacheStatus } from './http-cache'
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
 * The active signals of one symbol: the writer's index of the symbol (entry keys by expiry)
 * gives the candidates past now, and each one is confirmed by reading its entry through the one
 * reader: still servable (HIT, or STALE after a soft purge) and still of this symbol. The body
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
  const { keys, reader, policy, telemetry } = services
  const symbol = keySegment('symbol', rawSymbol).toUpperCase()
  const index = signalSymbolIndex
  const now = Date.now()
  const candidates = await reader.indexed(
    keys.index(signal.name, signal.schemaVersion, index.name, symbol),
    now,
    limit,
  )
  const entries = await reader.readMany(candidates)
  const members: Envelope[] = []
  let stale = false
  for (const entry of entries) {
    const decision = decideRead(entry, now, policy)
    if (decision.status !== 'HIT' && decision.status !== 'STALE') continue
    // A signal re-pushed under another symbol stays in its old index until it expires there.
    const value = JSON.parse(decision.envelope.data) as Parameters<typeof index.segment>[0]
    if (index.segment(value) !== symbol) continue
    stale ||= decision.status === 'STALE'
    members.push(decision.envelope)
  }
  const status = stale ? CacheStatus.stale : CacheStatus.hit
  telemetry.count(signal.name, stale ? ReadOutcome.stale : ReadOutcome.hit)
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
