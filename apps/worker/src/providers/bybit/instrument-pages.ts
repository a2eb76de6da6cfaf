import { type BybitAnswer, type BybitClient, BybitEndpoint } from './client'
import { badResponse } from './errors'
import { type Contract, toContract } from './mapping'

/** instruments-info and kline both cap `limit` at 1000. */
export const MAX_LIMIT = 1000
/** A cursor chain longer than this (100k instruments) is a provider loop, not a listing. */
const MAX_PAGES = 100

/** What the pages of one instruments-info listing held. */
export interface InstrumentPages {
  /** Valid contracts, each symbol once, in listing order. */
  contracts: Contract[]
  /** Why rows were left out. */
  skipped: string[]
  /** Rows seen, valid or not. */
  rows: number
  /** The newest page's `time`; 0 when Bybit sent none. */
  asOf: number
}

/** Every page of instruments-info for `baseCoin`, following `nextPageCursor` to the end. */
export async function instrumentPages(
  client: BybitClient,
  baseCoin: string,
  pageSize: number,
): Promise<InstrumentPages> {
  const endpoint = BybitEndpoint.instruments
  const contracts = new Map<string, Contract>()
  const skipped: string[] = []
  const cursors = new Set<string>()
  let rows = 0
  let asOf = 0
  let cursor = ''
  for (let page = 1; ; page++) {
    const answer = await client.get(endpoint, {
      category: 'option',
      baseCoin,
      limit: String(pageSize),
      ...(cursor ? { cursor } : {}),
    })
    asOf = Math.max(asOf, answer.time ?? 0)
    for (const row of listOf(answer, endpoint)) {
      rows += 1
      const mapped = toContract(row, baseCoin)
      if (!mapped.ok) skipped.push(mapped.problem)
      else if (!contracts.has(mapped.value.symbol)) contracts.set(mapped.value.symbol, mapped.value)
    }
    const next = answer.result.nextPageCursor
    if (typeof next !== 'string' || next === '') break
    if (cursors.has(next) || page >= MAX_PAGES) {
      throw badResponse(endpoint, `paging does not end (page ${page}, cursor ${next})`)
    }
    cursors.add(next)
    cursor = decodeCursor(next)
  }
  return { contracts: [...contracts.values()], skipped, rows, asOf }
}

/** A spot pair as the key builder and the spot dataset accept it. */
const SPOT_SYMBOL = /^[A-Z0-9]{2,24}$/

/**
 * Every spot pair Bybit lists (instruments-info, `category=spot`), sorted and each once, and
 * the answer's time (0 when Bybit sent none). Rows without a usable symbol are left out.
 */
export async function spotPairs(client: BybitClient): Promise<{ symbols: string[]; asOf: number }> {
  const endpoint = BybitEndpoint.instruments
  const symbols = new Set<string>()
  let asOf = 0
  let cursor = ''
  for (let page = 1; ; page++) {
    const answer = await client.get(endpoint, {
      category: 'spot',
      limit: String(MAX_LIMIT),
      ...(cursor ? { cursor } : {}),
    })
    asOf = Math.max(asOf, answer.time ?? 0)
    for (const row of listOf(answer, endpoint)) {
      const symbol = (row as { symbol?: unknown } | null)?.symbol
      if (typeof symbol === 'string' && SPOT_SYMBOL.test(symbol)) symbols.add(symbol)
    }
    const next = answer.result.nextPageCursor
    if (typeof next !== 'string' || next === '') break
    if (page >= MAX_PAGES) throw badResponse(endpoint, `paging does not end (page ${page})`)
    cursor = decodeCursor(next)
  }
  if (symbols.size === 0) throw badResponse(endpoint, 'no spot pair is listed')
  return { symbols: [...symbols].sort(), asOf }
}

/** `result.list` of an answer, or a bad response. */
export function listOf(answer: BybitAnswer, endpoint: string): unknown[] {
  const list = answer.result.list
  if (!Array.isArray(list)) throw badResponse(endpoint, 'result.list is not a list')
  return list
}

/** Bybit sends cursors URL-encoded; decoding once keeps URLSearchParams from encoding twice. */
function decodeCursor(cursor: string): string {
  try {
    return decodeURIComponent(cursor)
  } catch {
    return cursor
  }
}
