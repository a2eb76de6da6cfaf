import { Type } from '@sinclair/typebox'
import { InvalidParamError } from '../errors'
import { keySegment } from '../keys'

/** Params of every dataset keyed by a CoinGecko coin id (`bitcoin`, `usd-coin`, `avalanche-2`). */
export const CoinIdParams = Type.Object({
  id: Type.String({
    pattern: '^[a-z0-9._-]{1,64}$',
    description: 'CoinGecko coin id, e.g. bitcoin',
  }),
})

/** CoinGecko ids are lowercase; `Bitcoin` and `bitcoin` are one entry. */
export function parseCoinId(raw: unknown, param = 'id'): string {
  if (typeof raw !== 'string') throw new InvalidParamError(param, `${param} is required`)
  return keySegment(param, raw).toLowerCase()
}

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()])
