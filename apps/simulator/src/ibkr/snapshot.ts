import type { Answer } from '../gate'
import { candleOf } from '../market/candles'
import type { EquityMarket } from '../market/equities'
import { fixed } from '../market/ticks'
import { markAt, type OptionContract } from '../options/quotes'
import { hashSeed, noiseAt } from '../prng'
import { list, type Query } from '../query'
import type { IbkrCatalog, IbkrStock } from './catalog'
import { ibkrError } from './failures'

/** Fields asked for when the caller names none: last, bid, ask. */
const DEFAULT_FIELDS = ['31', '84', '86']
/** Option marks read across the session for its open, high and low. */
const SESSION_SAMPLES = 8

/**
 * Conids the gateway has already been asked about. The first snapshot of a conid only opens
 * the market-data line and answers `{conid, conidEx}`; values come from the second call on.
 */
export class SnapshotSubscriptions {
  readonly #seen = new Set<number>()

  /** True the first time a conid is asked for (until `reset`). */
  open(conid: number): boolean {
    if (this.#seen.has(conid)) return false
    this.#seen.add(conid)
    return true
  }

  reset(): void {
    this.#seen.clear()
  }
}

export interface SnapshotDeps {
  readonly catalog: IbkrCatalog
  readonly equities: EquityMarket
  readonly subscriptions: SnapshotSubscriptions
}

/**
 * `GET /iserver/marketdata/snapshot?conids=&fields=`: one object per conid, values as strings
 * keyed by field tag. Outside NYSE hours "31" carries a `C` prefix (the previous close). A
 * strike nobody bids has no "84" (and no "88"). Unknown conids never gain values.
 */
export function snapshotAnswer(deps: SnapshotDeps, query: Query, now: number): Answer {
  const conids = list(query, 'conids')
  if (conids.length === 0) return ibkrError(400, 'conids is required')
  if (!conids.every((conid) => /^\d+$/.test(conid)))
    return ibkrError(400, 'conids must be integers')
  const requested = list(query, 'fields')
  const fields = requested.length > 0 ? requested : DEFAULT_FIELDS
  const rows = conids.map(Number).map((conid, index) => {
    const head = { conid, conidEx: String(conid) }
    if (deps.subscriptions.open(conid)) return head
    const target = deps.catalog.resolve(conid, now)
    if (!target) return head
    const values =
      target.kind === 'stock'
        ? stockValues(deps, target.stock, now)
        : optionValues(deps, target.stock, target.contract, now)
    const picked = Object.fromEntries(
      fields.flatMap((tag) => (Object.hasOwn(values, tag) ? [[tag, values[tag]]] : [])),
    )
    return { ...head, ...picked, _updated: now, server_id: `q${index}` }
  })
  return { status: 200, body: rows }
}

type Values = Record<string, string>

function stockValues(deps: SnapshotDeps, stock: IbkrStock, now: number): Values {
  const { equities } = deps
  const { symbol, dailyVolume } = stock.listing
  const session = equities.session(now)
  const open = now < session.close
  const last = equities.priceAt(symbol, now)
  const day = candleOf(
    (ms) => equities.priceAt(symbol, ms),
    equities.tickMs,
    session.open,
    session.close,
    now,
  )
  const elapsed = Math.min(
    1,
    (Math.min(now, session.close) - session.open) / (session.close - session.open),
  )
  const size = (label: string) =>
    String(
      100 *
        Math.ceil(
          20 * noiseAt(hashSeed(deps.catalog.board.prices.seed, label, symbol), now / 1000) + 1,
        ),
    )
  return {
    '31': `${open ? '' : 'C'}${last.toFixed(2)}`,
    '84': (last - 0.01).toFixed(2),
    '86': (last + 0.01).toFixed(2),
    '85': size('ask size'),
    '88': size('bid size'),
    '7295': day.open.toFixed(2),
    '70': day.high.toFixed(2),
    '71': day.low.toFixed(2),
    '87': compact(dailyVolume * elapsed),
    '55': symbol,
    '6070': 'STK',
    '6509': 'RpB',
  }
}

function optionValues(
  deps: SnapshotDeps,
  stock: IbkrStock,
  contract: OptionContract,
  now: number,
): Values {
  const { board } = deps.catalog
  const quote = board.quote(contract, now)
  const session = deps.equities.session(now)
  const open = now < session.close
  const until = Math.min(now, session.close - 1)
  const marks = Array.from({ length: SESSION_SAMPLES + 1 }, (_, k) =>
    markAt(board.prices, contract, session.open + ((until - session.open) * k) / SESSION_SAMPLES),
  )
  const elapsed = (until - session.open) / (session.close - session.open)
  const values: Values = {
    '31': `${open ? '' : 'C'}${quote.last.toFixed(2)}`,
    '86': quote.ask.toFixed(2),
    '85': String(quote.askSize),
    '7295': (marks[0] ?? quote.mark).toFixed(2),
    '70': Math.max(quote.last, ...marks).toFixed(2),
    '71': Math.min(quote.last, ...marks).toFixed(2),
    '7308': fixed(quote.greeks.delta, 3),
    '7309': fixed(quote.greeks.gamma, 4),
    '7310': fixed(quote.greeks.theta, 4),
    '7311': fixed(quote.greeks.vega, 4),
    '7633': `${(quote.markIv * 100).toFixed(1)}%`,
    '7638': String(quote.openInterest),
    '87': compact(quote.volume24h * Math.max(0, Math.min(1, elapsed))),
    '55': stock.listing.symbol,
    '6070': 'OPT',
    '6457': String(stock.listing.conid),
    '6509': 'RpB',
  }
  if (quote.bid !== undefined) {
    values['84'] = quote.bid.toFixed(2)
    values['88'] = String(quote.bidSize)
  }
  return values
}

/** IBKR's volume style: `950`, `1.23K`, `12.3K`, `2.1M`. */
export function compact(value: number): string {
  const rounded = Math.round(value)
  if (rounded < 1_000) return String(rounded)
  const thousands = Number((rounded / 1_000).toPrecision(3))
  // 999,950 rounds to 1000K; say 1M instead.
  if (thousands < 1_000) return `${thousands}K`
  return `${Number((rounded / 1_000_000).toPrecision(3))}M`
}
