import type { OptionChain } from '@marketcache/shared/datasets/option-chain'
import { ProviderBadResponseError } from '../../errors'
import type { IbkrAdapter } from './adapter'
import { IbkrEndpoint } from './endpoints'
import { OPTION_FIELDS, STOCK_FIELDS } from './fields'
import { chainOf, type InstrumentsValue, type SpotValue, spotValueOf } from './quotes'

/**
 * One round of stock snapshots for `conids` (symbol → conid): the `spot` value of each symbol
 * that has a price, with its asOf (`_updated`). Symbols without a quote are left out.
 */
export async function snapshotSpots(
  adapter: IbkrAdapter,
  conids: ReadonlyMap<string, string>,
  now: number,
): Promise<Map<string, { value: SpotValue; asOf: number }>> {
  const rows = await adapter.snapshot([...conids.values()], STOCK_FIELDS)
  const spots = new Map<string, { value: SpotValue; asOf: number }>()
  for (const [symbol, conid] of conids) {
    const row = rows.get(conid)
    const value = row === undefined ? null : spotValueOf(symbol, row, now)
    if (row === undefined || value === null) continue
    spots.set(symbol, {
      value,
      asOf: row.updated ?? now,
    })
  }
  return spots
}

/**
 * Snapshots of every qualified contract plus the stock (batched, pre-flight retried), assembled
 * into the chain. Without a price for the underlying there is no chain to cache: a bad response.
 */
export async function snapshotChain(
  adapter: IbkrAdapter,
  qualified: InstrumentsValue,
  now: number,
): Promise<{ chain: OptionChain; asOf: number }> {
  const conids = [
    ...(qualified.underlying_id === null ? [] : [qualified.underlying_id]),
    ...qualified.contracts.map((contract) => contract.symbol),
  ]
  const priced = chainOf(qualified, await adapter.snapshot(conids, OPTION_FIELDS), now)
  if (priced === null) {
    throw new ProviderBadResponseError(
      `ibkr ${IbkrEndpoint.snapshot}: no price for ${qualified.underlying} (conid ${qualified.underlying_id})`,
      { provider: 'ibkr', endpoint: IbkrEndpoint.snapshot },
    )
  }
  return priced
}
