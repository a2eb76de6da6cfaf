import { backtest } from './datasets/backtest'
import { catalog } from './datasets/catalog'
import { coin } from './datasets/coin'
import { collar } from './datasets/collar'
import { instruments } from './datasets/instruments'
import { marketStatus } from './datasets/market-status'
import { ohlcv } from './datasets/ohlcv'
import { optionChain } from './datasets/option-chain'
import { optionsSummary } from './datasets/options-summary'
import { spot } from './datasets/spot'
import { tokenomics } from './datasets/tokenomics'

/** Every dataset, by name. Maps typed `Record<DatasetName, …>` elsewhere must cover each one. */
export const datasets = {
  coin,
  tokenomics,
  spot,
  instruments,
  'option-chain': optionChain,
  ohlcv,
  'market-status': marketStatus,
  collar,
  'options-summary': optionsSummary,
  backtest,
  catalog,
} as const

export type DatasetName = keyof typeof datasets
export type Dataset<N extends DatasetName = DatasetName> = (typeof datasets)[N]

export const datasetNames = Object.keys(datasets) as DatasetName[]

export function isDatasetName(name: string): name is DatasetName {
  return Object.hasOwn(datasets, name)
}
