import { setTimeout as sleep } from 'node:timers/promises'
import type { Ohlcv } from '@marketcache/shared/datasets/ohlcv'
import { ProviderNotFoundError } from '../../errors'
import { badBody, conidOf, isObject, type Json } from './body'
import type { IbkrClient } from './client'
import { IbkrEndpoint } from './endpoints'
import { saysNotFound } from './errors'
import { hasValues, parseNumber, parseSnapshotRow, type SnapshotRow } from './fields'
import { fromHistoryBody, HISTORY_QUERY, type HistoryInterval } from './history'
import { CallSlots } from './pacer'

/** A stock as secdef/search describes it, with what is needed to qualify its options. */
export interface StockContract {
  conid: string
  symbol: string
  /** Option months, nearest first (`DEC26`); empty when no options are listed. */
  months: string[]
  /** The option exchange to ask secdef about: SMART when listed, else the first one. */
  exchange: string | null
}

export interface OptionStrikes {
  call: number[]
  put: number[]
}

export type OptionRight = 'call' | 'put'

/** One option contract from secdef/info. */
export interface OptionContractInfo {
  conid: string
  right: OptionRight
  strike: number
  /** `YYYYMMDD`. */
  maturityDate: string
  multiplier: number | null
  tradingClass: string | null
}

export interface IbkrAdapterOptions {
  /** Conids per snapshot call. @defaultValue 100 (the gateway's documented cap) */
  snapshotBatch?: number
  /** Snapshot calls per batch, the pre-flight included. @defaultValue 3 */
  snapshotTries?: number
  /** Wait between them. @defaultValue 250 */
  snapshotRetryMs?: number
  /** History calls in flight at once (the gateway allows five). @defaultValue 5 */
  historyConcurrency?: number
}

/** The Client Portal as the datasets see it: contracts and parsed snapshots, or provider errors. */
export class IbkrAdapter {
  readonly #client: IbkrClient
  readonly #batch: number
  readonly #tries: number
  readonly #retryMs: number
  readonly #historySlots: CallSlots

  constructor(client: IbkrClient, options: IbkrAdapterOptions = {}) {
    this.#client = client
    this.#batch = Math.min(100, Math.max(1, options.snapshotBatch ?? 100))
    this.#tries = Math.max(1, options.snapshotTries ?? 3)
    this.#retryMs = options.snapshotRetryMs ?? 250
    this.#historySlots = new CallSlots(Math.min(5, Math.max(1, options.historyConcurrency ?? 5)))
  }

  /**
   * The stock listed under exactly this symbol. An empty list, an error object, or only other
   * symbols' matches mean IBKR does not know it: ProviderNotFoundError.
   */
  async search(symbol: string): Promise<StockContract> {
    const endpoint = IbkrEndpoint.search
    const body = await this.#client.get(endpoint, { symbol, secType: 'STK' })
    const notFound = (why: string) =>
      new ProviderNotFoundError(`ibkr ${endpoint}: ${symbol} ${why}`, {
        provider: 'ibkr',
        endpoint,
      })
    if (isObject(body) && typeof body.error === 'string') {
      throw notFound(`not found (${body.error})`)
    }
    if (!Array.isArray(body)) throw badBody(endpoint, 'body is not a list')

    const sectionsOf = (row: Json) =>
      Array.isArray(row.sections) ? row.sections.filter(isObject) : []
    const matches = body
      .filter(isObject)
      .filter((row) => String(row.symbol ?? '').toUpperCase() === symbol.toUpperCase())
    // A symbol can match several listings; the stock one (STK section) is the underlying.
    const row = matches.find((r) => sectionsOf(r).some((s) => s.secType === 'STK')) ?? matches[0]
    if (row === undefined) throw notFound('is not listed')
    const conid = conidOf(row.conid)
    if (conid === null) throw badBody(endpoint, `conid ${JSON.stringify(row.conid)} is not a conid`)

    const options = sectionsOf(row).find((s) => s.secType === 'OPT')
    const months =
      typeof options?.months === 'string'
        ? options.months
            .split(';')
            .map((m) => m.trim().toUpperCase())
            .filter((m) => /^[A-Z]{3}\d{2}$/.test(m))
        : []
    const exchanges =
      typeof options?.exchange === 'string'
        ? options.exchange
            .split(';')
            .map((e) => e.trim())
            .filter(Boolean)
        : []
    return {
      conid,
      symbol: symbol.toUpperCase(),
      months,
      exchange: exchanges.includes('SMART') ? 'SMART' : (exchanges[0] ?? null),
    }
  }

  /** Listed strikes of one option month, ascending, per right. */
  async strikes(conid: string, month: string, exchange = 'SMART'): Promise<OptionStrikes> {
    const endpoint = IbkrEndpoint.strikes
    const body = await this.#client.get(endpoint, { conid, sectype: 'OPT', month, exchange })
    if (!isObject(body) || (!Array.isArray(body.call) && !Array.isArray(body.put))) {
      throw badBody(endpoint, `no call/put lists for ${conid} ${month}`)
    }
    const list = (values: unknown) =>
      (Array.isArray(values) ? values : [])
        .map(parseNumber)
        .filter((n): n is number => n !== null && n > 0)
        .sort((a, b) => a - b)
    return { call: list(body.call), put: list(body.put) }
  }

  /**
   * The contracts of one month, strike and right. A month can hold several maturities (weeklies),
   * so this may return several contracts; none when IBKR lists nothing there.
   */
  async info(
    conid: string,
    month: string,
    strike: number,
    right: OptionRight,
    exchange = 'SMART',
  ): Promise<OptionContractInfo[]> {
    const endpoint = IbkrEndpoint.info
    const body = await this.#client
      .get(endpoint, {
        conid,
        sectype: 'OPT',
        month,
        exchange,
        strike: String(strike),
        right: right === 'call' ? 'C' : 'P',
      })
      // Nothing listed at this strike is not the underlying being unknown.
      .catch((error: unknown) => {
        if (error instanceof ProviderNotFoundError) return []
        throw error
      })
    if (isObject(body) && typeof body.error === 'string' && saysNotFound(body.error)) return []
    if (!Array.isArray(body)) throw badBody(endpoint, `body for ${conid} ${month} is not a list`)
    const contracts: OptionContractInfo[] = []
    for (const row of body.filter(isObject)) {
      const optionConid = conidOf(row.conid)
      const rowStrike = parseNumber(row.strike)
      const rowRight = row.right === 'C' ? 'call' : row.right === 'P' ? 'put' : null
      const maturity = typeof row.maturityDate === 'string' ? row.maturityDate.trim() : ''
      if (optionConid === null || rowStrike === null || rowRight === null) continue
      if (!/^\d{8}$/.test(maturity)) continue
      contracts.push({
        conid: optionConid,
        right: rowRight,
        strike: rowStrike,
        maturityDate: maturity,
        multiplier: parseNumber(row.multiplier),
        tradingClass: typeof row.tradingClass === 'string' ? row.tradingClass : null,
      })
    }
    return contracts
  }

  /**
   * One stock's bars in `interval` (regular hours), ascending, as the `ohlcv` value, and its asOf.
   * At most five history calls are in flight, as the gateway allows, each also paced like any call.
   */
  async history(
    conid: string,
    symbol: string,
    interval: HistoryInterval,
    now: number,
  ): Promise<{ value: Ohlcv; asOf: number }> {
    const endpoint = IbkrEndpoint.history
    const query = { conid, ...HISTORY_QUERY[interval], outsideRth: 'false' }
    const body = await this.#historySlots.run(() => this.#client.get(endpoint, query))
    const mapped = fromHistoryBody(symbol, interval, body, now)
    if (!mapped.ok) throw badBody(endpoint, `${symbol} ${interval}: ${mapped.problem}`)
    return { value: mapped.value, asOf: mapped.asOf }
  }

  /**
   * Snapshots of `conids`, ≤ 100 per call. The gateway answers a conid's first request with no
   * values (the "pre-flight" that starts its subscription), so conids without values are asked
   * again, a few times, a short while apart; each round asks only for what is still empty.
   * Conids still empty after that have no quote and are missing from the result.
   */
  async snapshot(
    conids: readonly string[],
    fields: readonly string[],
  ): Promise<Map<string, SnapshotRow>> {
    const rows = new Map<string, SnapshotRow>()
    let pending = [...new Set(conids)]
    for (let attempt = 1; pending.length > 0 && attempt <= this.#tries; attempt++) {
      if (attempt > 1) await sleep(this.#retryMs)
      for (let i = 0; i < pending.length; i += this.#batch) {
        const batch = pending.slice(i, i + this.#batch)
        for (const [conid, row] of await this.#snapshotOnce(batch, fields)) rows.set(conid, row)
      }
      pending = pending.filter((conid) => !rows.has(conid))
    }
    return rows
  }

  async #snapshotOnce(
    conids: readonly string[],
    fields: readonly string[],
  ): Promise<Map<string, SnapshotRow>> {
    const endpoint = IbkrEndpoint.snapshot
    const body = await this.#client.get(endpoint, {
      conids: conids.join(','),
      fields: fields.join(','),
    })
    if (!Array.isArray(body)) throw badBody(endpoint, 'body is not a list')
    const asked = new Set(conids)
    const rows = new Map<string, SnapshotRow>()
    for (const raw of body.filter(isObject)) {
      if (!hasValues(raw, fields)) continue
      const row = parseSnapshotRow(raw)
      if (row !== null && asked.has(row.conid)) rows.set(row.conid, row)
    }
    return rows
  }
}
