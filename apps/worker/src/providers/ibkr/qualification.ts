import { ProviderNotFoundError } from '../../errors'
import type { IbkrAdapter, OptionContractInfo, OptionRight, StockContract } from './adapter'
import { IbkrEndpoint } from './endpoints'
import { expiryOf, monthPrefix } from './expiry'
import { STOCK_FIELDS } from './fields'
import { type InstrumentsValue, priceOf } from './quotes'

/** How much of a chain to qualify. */
export interface ChainLimits {
  /** Option months, nearest first. */
  months: number
  /** Strikes per month, nearest to spot. */
  strikes: number
  /** Only expiries within this many days (months starting later are not asked for). */
  maxDays?: number
}

const DAY_MS = 86_400_000

/** Whether any expiry of `month` (`DEC26`) can fall before `horizon`: it starts before it. */
function monthStartsBefore(month: string, horizon: number): boolean {
  const prefix = monthPrefix(month)
  if (prefix === null) return true
  return Date.UTC(Number(prefix.slice(0, 4)), Number(prefix.slice(4)) - 1, 1) < horizon
}

type Contract = InstrumentsValue['contracts'][number]

/** secdef/info calls in flight at once; the client's pacer still spaces them. */
const INFO_PARALLELISM = 4
const RIGHTS: readonly OptionRight[] = ['call', 'put']

/** The `count` strikes nearest to `spot` (lower first on a tie), ascending. */
export function nearestStrikes(strikes: readonly number[], spot: number, count: number): number[] {
  return [...new Set(strikes)]
    .sort((a, b) => Math.abs(a - spot) - Math.abs(b - spot) || a - b)
    .slice(0, count)
    .sort((a, b) => a - b)
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
  return results
}

/** A contract row, or null when it is malformed, expired, past the horizon, or not what was asked for. */
function contractOf(
  info: OptionContractInfo,
  asked: { month: string; strike: number; right: OptionRight },
  window: { now: number; horizon: number },
): Contract | null {
  const prefix = monthPrefix(asked.month)
  if (info.right !== asked.right || Math.abs(info.strike - asked.strike) > 1e-6) return null
  if (prefix !== null && !info.maturityDate.startsWith(prefix)) return null
  const expiry = expiryOf(info.maturityDate)
  if (expiry === null) return null
  const at = Date.parse(expiry)
  if (at <= window.now || at > window.horizon) return null
  return {
    symbol: info.conid,
    right: info.right,
    strike: info.strike,
    expiry,
    settle: 'USD',
    multiplier: info.multiplier !== null && info.multiplier > 0 ? info.multiplier : 100,
    tick_size: null,
  }
}

/**
 * Each contract once, and one per (expiry, strike, right): when two trading classes list the same
 * one, the class named after the underlying (the standard contract) wins.
 */
function distinct(
  found: { contract: Contract; tradingClass: string | null }[],
  underlying: string,
): Contract[] {
  const byTerms = new Map<string, { contract: Contract; tradingClass: string | null }>()
  const seen = new Set<string>()
  for (const entry of found) {
    if (seen.has(entry.contract.symbol)) continue
    seen.add(entry.contract.symbol)
    const terms = `${entry.contract.expiry}|${entry.contract.strike}|${entry.contract.right}`
    const held = byTerms.get(terms)
    if (
      held === undefined ||
      (held.tradingClass !== underlying && entry.tradingClass === underlying)
    ) {
      byTerms.set(terms, entry)
    }
  }
  return [...byTerms.values()]
    .map((entry) => entry.contract)
    .sort(
      (a, b) =>
        Date.parse(a.expiry) - Date.parse(b.expiry) ||
        a.strike - b.strike ||
        a.right.localeCompare(b.right),
    )
}

/**
 * Contract qualification for one underlying: secdef/search for the stock, one snapshot for spot,
 * then per option month (the nearest `months` with expiries inside `maxDays`) secdef/strikes, and
 * secdef/info for each of the strikes nearest to spot and each right. The result is cached as `instruments`, so chain refreshes only snapshot.
 */
export async function qualify(
  adapter: IbkrAdapter,
  underlying: string,
  limits: ChainLimits,
  now: number,
): Promise<{ value: InstrumentsValue; stock: StockContract }> {
  const stock = await adapter.search(underlying)
  if (stock.months.length === 0) {
    throw new ProviderNotFoundError(`ibkr: ${underlying} has no listed options`, {
      provider: 'ibkr',
      endpoint: IbkrEndpoint.search,
    })
  }
  const exchange = stock.exchange ?? 'SMART'
  const spot = priceOf((await adapter.snapshot([stock.conid], STOCK_FIELDS)).get(stock.conid))

  const horizon = limits.maxDays === undefined ? Infinity : now + limits.maxDays * DAY_MS
  const months = stock.months.filter((month) => monthStartsBefore(month, horizon))
  const asks: { month: string; strike: number; right: OptionRight }[] = []
  for (const month of months.slice(0, limits.months)) {
    const listed = await adapter.strikes(stock.conid, month, exchange)
    const all = [...listed.call, ...listed.put].sort((a, b) => a - b)
    if (all.length === 0) continue
    // Without a price (no quote yet), the middle of the listed strikes stands in for spot.
    const centre = spot ?? (all[Math.floor(all.length / 2)] as number)
    for (const strike of nearestStrikes(all, centre, limits.strikes)) {
      for (const right of RIGHTS) {
        if (listed[right].includes(strike)) asks.push({ month, strike, right })
      }
    }
  }

  const answers = await mapLimited(asks, INFO_PARALLELISM, (ask) =>
    adapter.info(stock.conid, ask.month, ask.strike, ask.right, exchange),
  )
  const found = answers.flatMap((infos, i) =>
    infos.flatMap((info) => {
      const contract = contractOf(info, asks[i] as (typeof asks)[number], { now, horizon })
      return contract === null ? [] : [{ contract, tradingClass: info.tradingClass }]
    }),
  )
  const contracts = distinct(found, stock.symbol)
  const value: InstrumentsValue = {
    exchange: 'ibkr',
    underlying: stock.symbol,
    underlying_id: stock.conid,
    expiries: [...new Set(contracts.map((c) => c.expiry))],
    contracts,
    as_of: new Date(now).toISOString(),
  }
  return { value, stock }
}
