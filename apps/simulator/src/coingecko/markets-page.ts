import type { Answer } from '../gate'
import { list, param, positiveInteger, type Query } from '../query'
import { compareText, isVsCurrency, type Market, type MarketSnapshot, type Quote } from './market'
import { isChangeWindow, marketRow } from './market-row'

type QuoteOrder = (a: Quote, b: Quote) => number

/** `order` values CoinGecko accepts on `/coins/markets`; ties fall back to market cap rank. */
const ORDERS = {
  market_cap_desc: (a, b) => a.rank - b.rank,
  market_cap_asc: (a, b) => b.rank - a.rank,
  volume_desc: (a, b) => b.volumeUsd - a.volumeUsd || a.rank - b.rank,
  volume_asc: (a, b) => a.volumeUsd - b.volumeUsd || a.rank - b.rank,
  id_asc: (a, b) => compareText(a.coin.id, b.coin.id),
  id_desc: (a, b) => compareText(b.coin.id, a.coin.id),
} satisfies Record<string, QuoteOrder>
type MarketsOrder = keyof typeof ORDERS

function isMarketsOrder(value: string): value is MarketsOrder {
  return Object.hasOwn(ORDERS, value)
}

const DEFAULT_PER_PAGE = 100
/** CoinGecko clamps larger `per_page` values to 250 rather than rejecting them; so do we. */
const MAX_PER_PAGE = 250

/**
 * `GET /coins/markets`: a bare array of rows. Unknown ids are simply absent; paging applies
 * after the ids filter and the order, and a page past the end is an empty array. A `per_page`
 * or `page` that is not a positive integer falls back to its default.
 */
export function marketsAnswer(market: Market, snapshot: MarketSnapshot, query: Query): Answer {
  const currency = param(query, 'vs_currency')?.toLowerCase()
  if (currency === undefined) return badRequest('Missing parameter vs_currency')
  if (!isVsCurrency(currency)) return badRequest('invalid vs_currency')
  const order = param(query, 'order') ?? 'market_cap_desc'
  if (!isMarketsOrder(order)) return badRequest('invalid order')

  const ids = list(query, 'ids')
  const perPage = Math.min(positiveInteger(query, 'per_page', DEFAULT_PER_PAGE), MAX_PER_PAGE)
  const page = positiveInteger(query, 'page', 1)
  const windows = list(query, 'price_change_percentage').filter(isChangeWindow)

  const range = { start: (page - 1) * perPage, end: page * perPage }
  const quotes =
    ids.length > 0
      ? [...ids.flatMap((id) => snapshot.byId.get(id) ?? [])]
          .sort(ORDERS[order])
          .slice(range.start, range.end)
      : wholeMarketPage(market, snapshot, order, range)
  const rows = quotes.map((quote) => marketRow(market, snapshot, quote, currency, windows))
  return { status: 200, body: rows }
}

/**
 * A page of every coin. The market is kept in rank order and in id order, so a page in either
 * costs its own rows rather than a sort of the whole universe; only volume orders sort.
 */
function wholeMarketPage(
  market: Market,
  snapshot: MarketSnapshot,
  order: MarketsOrder,
  { start, end }: { start: number; end: number },
): readonly Quote[] {
  const inIdOrder = (coins: readonly { id: string }[]) =>
    coins.flatMap((coin) => snapshot.byId.get(coin.id) ?? [])
  switch (order) {
    case 'market_cap_desc':
      return snapshot.ranked.slice(start, end)
    case 'market_cap_asc':
      return fromTheEnd(snapshot.ranked, start, end)
    case 'id_asc':
      return inIdOrder(market.coinsById.slice(start, end))
    case 'id_desc':
      return inIdOrder(fromTheEnd(market.coinsById, start, end))
    default:
      return [...snapshot.ranked].sort(ORDERS[order]).slice(start, end)
  }
}

/** Items `start` to `end` of `items` reversed. */
function fromTheEnd<T>(items: readonly T[], start: number, end: number): T[] {
  const n = items.length
  return items.slice(Math.max(0, n - end), Math.max(0, n - start)).reverse()
}

function badRequest(error: string): Answer {
  return { status: 400, body: { error } }
}
