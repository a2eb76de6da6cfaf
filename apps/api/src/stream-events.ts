import type { AnyDataset } from '@marketcache/shared/dataset'
import type { Envelope } from '@marketcache/shared/envelope'
import { InvalidParamError } from '@marketcache/shared/errors'

/**
 * One version of an entry as a stream sends it. Its SSE `id` is `<fetchedAt>-<etag>`: when the
 * worker wrote it (epoch ms) and which value it is, so a Last-Event-ID names a point in the
 * writes and the exact version the client saw last.
 */
export interface StreamVersion {
  key: string
  asOf: number
  fetchedAt: number
  /** When the entry's key expires (max of staleUntil, errorUntil): its version may be forgotten then. */
  until: number
  id: string
  /** The whole event, ready to write: `id`, `event: <dataset>`, `data: {…}`. */
  frame: string
}

/** What orders the versions of one entry, and when it may be forgotten. */
export type VersionMark = Pick<StreamVersion, 'asOf' | 'fetchedAt' | 'until'>

/** The last event a resuming client saw (its Last-Event-ID). */
export interface LastSeen {
  id: string
  fetchedAt: number
}

/**
 * How much older than the last version a client saw a write may be and still be sent on a
 * resume. Versions are ordered by `fetchedAt`, set by the worker just before it writes; a write of
 * another entry built earlier can be announced a little later (a 500-value push is one pipeline).
 * Those within this margin are sent again rather than missed: a resume may repeat a version
 * (same id), never skip one still cached.
 */
export const RESUME_MARGIN_MS = 2000

const ISO = (ms: number) => (Number.isFinite(ms) ? `"${new Date(ms).toISOString()}"` : 'null')
/** An id's etag part: the tag's letters and digits (no quotes, no `W/`), as sent. */
const tagOf = (etag: string) => etag.replace(/[^A-Za-z0-9]/g, '').slice(0, 32)
const LAST_EVENT_ID = /^(\d{1,15})-([A-Za-z0-9]{0,32})$/

/** The event of one version; `data` splices the stored JSON value as it is. */
export function streamVersion(
  key: string,
  dataset: AnyDataset,
  params: Readonly<Record<string, unknown>>,
  envelope: Envelope,
): StreamVersion {
  const id = `${envelope.fetchedAt}-${tagOf(envelope.etag)}`
  // Stored values are compact JSON; a line break would end the SSE field, and outside strings
  // (inside them JSON escapes it) it is only whitespace.
  const value = /[\r\n]/.test(envelope.data) ? envelope.data.replace(/[\r\n]+/g, '') : envelope.data
  const data =
    `{"dataset":${JSON.stringify(dataset.name)},"params":${JSON.stringify(params)},` +
    `"asOf":${ISO(envelope.asOf)},"fetchedAt":${ISO(envelope.fetchedAt)},` +
    `"freshUntil":${ISO(envelope.freshUntil)},"etag":${JSON.stringify(envelope.etag)},` +
    `"value":${value}}`
  return {
    key,
    asOf: envelope.asOf,
    fetchedAt: envelope.fetchedAt,
    until: Math.max(envelope.staleUntil, envelope.errorUntil),
    id,
    frame: `id: ${id}\nevent: ${dataset.name}\ndata: ${data}\n\n`,
  }
}

/** A Last-Event-ID header as this API sent it, or an InvalidParamError (400); absent: null. */
export function lastSeen(header: string | string[] | undefined): LastSeen | null {
  if (header === undefined || header === '') return null
  const match = typeof header === 'string' ? LAST_EVENT_ID.exec(header) : null
  if (!match) {
    throw new InvalidParamError(
      'Last-Event-ID',
      'Last-Event-ID must be the id of an event this stream sent: <fetchedAt>-<etag>',
    )
  }
  return { id: header as string, fetchedAt: Number(match[1]) }
}

/**
 * What a (re)connecting client gets first: every selected version newer than the last one it saw
 * (see RESUME_MARGIN_MS), or all of them on a first connect, oldest first, so its Last-Event-ID
 * moves forward as it reads them.
 */
export function catchUp(
  versions: readonly StreamVersion[],
  seen: LastSeen | null,
): StreamVersion[] {
  const after = seen ? seen.fetchedAt - RESUME_MARGIN_MS : Number.NEGATIVE_INFINITY
  return versions
    .filter((version) => version.fetchedAt > after && version.id !== seen?.id)
    .sort((a, b) => a.fetchedAt - b.fetchedAt)
}

/**
 * Whether `version` is later than `previous`, the one a client has of the same entry. Writes
 * never move an entry's asOf backwards, so asOf orders versions; fetchedAt breaks ties.
 */
export function isLater(version: VersionMark, previous: VersionMark | undefined): boolean {
  if (previous === undefined) return true
  if (version.asOf !== previous.asOf) return version.asOf > previous.asOf
  return version.fetchedAt > previous.fetchedAt
}
