import { type Static, Type } from '@sinclair/typebox'
import { definePushedDataset } from '../dataset'
import { InvalidParamError } from '../errors'
import { keySegment } from '../keys'
import { ISO_TIME_PATTERN, isoTime } from '../push'
import { Nullable } from './coin-id'

const IsoTime = (description: string) => Type.String({ pattern: ISO_TIME_PATTERN, description })

/** What an id or symbol may be: a key segment. */
const SEGMENT_PATTERN = '^[A-Za-z0-9._-]{1,64}$'

export const SignalParams = Type.Object({ id: Type.String({ pattern: SEGMENT_PATTERN }) })

/** Reasoning is free text for a dashboard, not a document. */
export const SIGNAL_REASONING_MAX = 2000

/** A trading signal from the user's own producer. */
export const SignalValue = Type.Object(
  {
    signal_id: Type.String({
      pattern: SEGMENT_PATTERN,
      description: 'The key: 1-64 of A-Z a-z 0-9 . _ - (case-sensitive).',
    }),
    symbol: Type.String({
      pattern: SEGMENT_PATTERN,
      description: 'The instrument, e.g. AAPL; listed case-insensitively (by its upper case).',
    }),
    action: Type.Union([Type.Literal('BUY'), Type.Literal('SELL'), Type.Literal('HOLD')]),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    target_price: Nullable(Type.Number({ minimum: 0 })),
    reasoning: Type.String({ maxLength: SIGNAL_REASONING_MAX }),
    created_at: IsoTime('When the producer made it (ISO 8601); the asOf unless `as_of` is given.'),
    expires_at: IsoTime('Fresh (and listed as active) until then, at most SIGNAL_MAX_TTL_S.'),
    as_of: Type.Optional(
      IsoTime('The version of the signal, when it is revised after `created_at`.'),
    ),
  },
  { additionalProperties: false, $id: 'Signal' },
)

/** The writer's index of signals by symbol (its upper case): what `GET /v1/signals` lists. */
export const signalSymbolIndex = {
  name: 'symbol',
  segment: (value: Static<typeof SignalValue>) => value.symbol.toUpperCase(),
  parse: (raw: string) => keySegment('symbol', raw).toUpperCase(),
}

/** SIGNAL_MAX_TTL_S's default: a day. */
const SIGNAL_MAX_TTL_MS = 86_400_000

export const signal = definePushedDataset({
  name: 'signal',
  schemaVersion: 1,
  params: SignalParams,
  parseParams: (raw) => {
    if (typeof raw.id !== 'string') throw new InvalidParamError('id', 'id is required')
    return { id: keySegment('id', raw.id) }
  },
  segments: (params) => [params.id],
  value: SignalValue,
  freshness: { freshMs: SIGNAL_MAX_TTL_MS, staleMs: 0, errorMs: 0, negativeMs: 0 },
  push: {
    paramsOf: (value) => ({ id: value.signal_id }),
    asOf: (value) => isoTime(value.as_of ?? value.created_at),
    expiresAt: (value) => isoTime(value.expires_at),
    index: signalSymbolIndex,
  },
})
