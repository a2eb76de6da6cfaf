import type { Answer } from '../gate'
import type { Market } from './market'

/**
 * `GET /coins/list`: every coin CoinGecko lists, as a bare array of `{id, symbol, name}` sorted by
 * id (with `include_platform=true`, each also has `platforms`: contract addresses by chain, which
 * the simulated coins have none of).
 */
export function coinsListAnswer(market: Market, includePlatform: boolean): Answer {
  const rows = market.coinsById.map(({ id, symbol, name }) =>
    includePlatform ? { id, symbol, name, platforms: {} } : { id, symbol, name },
  )
  return { status: 200, body: rows }
}
