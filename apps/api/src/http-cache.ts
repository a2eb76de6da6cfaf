import { negotiate } from '@fastify/accept-negotiator'
import type { Envelope } from '@marketcache/shared/envelope'
import { ageSeconds, cacheControl } from '@marketcache/shared/read-decision'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CacheLayer } from './cache-reader'
import { type ReadFilter, variantEntityTag } from './read-filter'

/** What `X-Cache-Status` tells a client about where a response came from. */
export const CacheStatus = { hit: 'HIT', stale: 'STALE', miss: 'MISS' } as const
export type CacheStatus = (typeof CacheStatus)[keyof typeof CacheStatus]

/** The stored etag as an HTTP entity tag; the worker may store it bare or already quoted. */
export function entityTag(etag: string): string {
  return /^(W\/)?".*"$/.test(etag) ? etag : `"${etag.replaceAll('"', '')}"`
}

/** RFC 9110 weak comparison of If-None-Match against our tag. */
export function matchesIfNoneMatch(header: string | undefined, tag: string): boolean {
  if (!header) return false
  const opaque = (value: string) => value.trim().replace(/^W\//, '')
  const ours = opaque(tag)
  return header
    .split(',')
    .some((candidate) => candidate.trim() === '*' || opaque(candidate) === ours)
}

/** The headers of a version that do not change with the clock, formatted once per version. */
interface VersionHeaders {
  /** The stored entity tag, strong or weak as stored. */
  stored: string
  /** What a full response carries: weak when the value is stored gzipped. */
  version: string
  asOf: string | undefined
  /** What they were formatted from, besides the stored tag they are kept under. */
  from: { asOf: number; gzip: boolean }
}

/**
 * Kept by stored tag, for L1 copies and for envelopes decoded anew on every read (L1 off) alike,
 * so a hit formats no tag or date. At most `VERSIONS_KEPT`; past it the map starts over.
 */
const versionHeadersByTag = new Map<string, VersionHeaders>()
const VERSIONS_KEPT = 10_000

function versionHeaders(envelope: Envelope): VersionHeaders {
  const gzip = envelope.gzip !== undefined
  const known = versionHeadersByTag.get(envelope.etag)
  if (known !== undefined && known.from.asOf === envelope.asOf && known.from.gzip === gzip) {
    return known
  }
  const stored = entityTag(envelope.etag)
  const headers: VersionHeaders = {
    stored,
    version: gzip && !stored.startsWith('W/') ? `W/${stored}` : stored,
    asOf: Number.isFinite(envelope.asOf) ? new Date(envelope.asOf).toISOString() : undefined,
    from: { asOf: envelope.asOf, gzip },
  }
  if (versionHeadersByTag.size >= VERSIONS_KEPT) versionHeadersByTag.clear()
  versionHeadersByTag.set(envelope.etag, headers)
  return headers
}

/** The entity tag a full, unfiltered response of `envelope` carries. */
export function fullEntityTag(envelope: Envelope): string {
  return versionHeaders(envelope).version
}

/** Values up to this many characters are sent as the string (see `plainBody`). */
const STRING_BODY_MAX_CHARS = 4096

/**
 * The body of a full, unfiltered, identity-encoded response of `envelope`. A small value goes out
 * as the string, which Node writes with the head as one chunk: for a coin that costs about 8 %
 * less CPU per hit than the head and the stored bytes as two (interleaved A/B of the fast lane).
 * A larger one goes out as the bytes read from Redis, with no UTF-8 encoding.
 */
export function plainBody(envelope: Envelope): string | Buffer {
  const { data, body } = envelope
  return body === undefined || data.length <= STRING_BODY_MAX_CHARS ? data : body
}

/**
 * The headers every data response carries (what `sendEnvelope` sets, and the hit fast lane
 * writes): where it came from, how old it is, how long it may be cached, its version. As a flat
 * list of names and values, the form Node's `writeHead` takes fastest (an object of a dozen
 * headers cost a hit about a third more CPU, measured on the raw server).
 */
export function dataHeaders(
  status: CacheStatus,
  envelope: Envelope,
  options: { layer: CacheLayer; tag: string; cacheError?: string | null | undefined },
  now: number,
): string[] {
  const headers = [
    'vary',
    'Accept-Encoding',
    'x-cache-status',
    status,
    'x-cache-layer',
    options.layer,
    'age',
    String(ageSeconds(envelope, now)),
    'cache-control',
    cacheControl(envelope, now),
    'etag',
    options.tag,
  ]
  const { asOf } = versionHeaders(envelope)
  if (asOf) headers.push('x-data-as-of', asOf)
  // Header values must be one line of visible ASCII; provider messages are neither, reliably.
  if (options.cacheError) {
    headers.push('x-cache-error', options.cacheError.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 200))
  }
  return headers
}

/** Whether the client takes a gzip body (RFC 9110 `Accept-Encoding`, q-values honoured). */
function acceptsGzip(request: FastifyRequest): boolean {
  const header = request.headers['accept-encoding']
  return typeof header === 'string' && negotiate(header, ['gzip', 'identity']) === 'gzip'
}

/**
 * Answers with a cache entry: the stored `data` string goes out as-is (no parse, no stringify),
 * with the headers every data response carries, or 304 when the client already has this version.
 * A value stored gzipped goes out as stored to a client that accepts gzip, and decoded to the
 * others; its entity tag is weak, since both encodings carry it. With a read-time filter, the
 * stored JSON is parsed and the selected subset sent instead, under its own entity tag; the 304
 * check comes first, so a revalidated variant costs no parse.
 */
export function sendEnvelope(
  request: FastifyRequest,
  reply: FastifyReply,
  status: CacheStatus,
  envelope: Envelope,
  options: { cacheError?: string | null; filter?: ReadFilter | null; layer?: CacheLayer } = {},
): FastifyReply {
  const { cacheError, filter, layer = 'L2' } = options
  const { stored, version } = versionHeaders(envelope)
  const tag = filter ? variantEntityTag(stored, filter.key) : version
  const headers = dataHeaders(status, envelope, { layer, tag, cacheError }, Date.now())
  for (let i = 0; i < headers.length; i += 2) reply.header(headers[i] as string, headers[i + 1])
  if (matchesIfNoneMatch(request.headers['if-none-match'], tag)) return reply.code(304).send()
  reply.code(200).type('application/json; charset=utf-8')
  if (envelope.gzip && !filter && acceptsGzip(request)) {
    return reply.header('content-encoding', 'gzip').send(envelope.gzip)
  }
  const body = filter
    ? JSON.stringify(filter.apply(JSON.parse(envelope.data)))
    : plainBody(envelope)
  return reply.send(body)
}

/** Documentation of the headers above, for OpenAPI. */
export const DataResponseHeaders = {
  'X-Cache-Status': {
    type: 'string',
    enum: ['HIT', 'STALE', 'MISS'],
    description:
      'HIT: fresh from cache. STALE: past its fresh window (a refresh is under way). MISS: fetched for this request.',
  },
  'X-Cache-Layer': {
    type: 'string',
    enum: ['L1', 'L2'],
    description: "L1: from this API process's memory. L2: read from Redis.",
  },
  Age: { type: 'integer', description: 'Seconds since the provider data was fetched.' },
  'X-Data-As-Of': {
    type: 'string',
    format: 'date-time',
    description: "The provider's own timestamp for the data.",
  },
  'Cache-Control': {
    type: 'string',
    description:
      'public, max-age=<remaining fresh seconds>, stale-while-revalidate=<stale window seconds>',
  },
  ETag: {
    type: 'string',
    description:
      'Entity tag of this version; send it back in If-None-Match. A filtered read has its own ' +
      '(weak) tag per version and filter set; a value stored gzipped has a weak tag, the same ' +
      'for both encodings.',
  },
  Vary: {
    type: 'string',
    description: 'Accept-Encoding: large values are sent gzipped as stored.',
  },
  'Content-Encoding': {
    type: 'string',
    description: 'gzip when the value is stored gzipped and the client accepts gzip.',
  },
  'X-Cache-Error': {
    type: 'string',
    description:
      'Only on STALE: the last refresh failed with this message; the worker is backing off.',
  },
} as const
