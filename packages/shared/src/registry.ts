import type { AnyDataset } from './dataset'
import { analytics } from './datasets/analytics'
import { backtest } from './datasets/backtest'
import { catalog } from './datasets/catalog'
import { coin } from './datasets/coin'
import { collar } from './datasets/collar'
import { instruments } from './datasets/instruments'
import { marketStatus } from './datasets/market-status'
import { ohlcv } from './datasets/ohlcv'
import { optionChain } from './datasets/option-chain'
import { optionsSummary } from './datasets/options-summary'
import { quote } from './datasets/quote'
import { signal } from './datasets/signal'
import { spot } from './datasets/spot'
import { tokenomics } from './datasets/tokenomics'
import { InvalidParamError } from './errors'

/** Every dataset, by name. Maps typed `Record<DatasetName, …>` elsewhere must cover each one. */
export const datasets = {
  coin,
  tokenomics,
  spot,
  quote,
  instruments,
  'option-chain': optionChain,
  ohlcv,
  'market-status': marketStatus,
  collar,
  'options-summary': optionsSummary,
  backtest,
  catalog,
  signal,
  analytics,
} as const

export type DatasetName = keyof typeof datasets
export type Dataset<N extends DatasetName = DatasetName> = (typeof datasets)[N]

export const datasetNames = Object.keys(datasets) as DatasetName[]

/** The datasets the user's producers push (`source: 'pushed'`). */
export type PushedDatasetName = {
  [N in DatasetName]: Dataset<N>['source'] extends 'pushed' ? N : never
}[DatasetName]

export const pushedDatasetNames = datasetNames.filter(
  (name) => datasets[name].source === 'pushed',
) as PushedDatasetName[]

export function isDatasetName(name: string): name is DatasetName {
  return Object.hasOwn(datasets, name)
}

/** The dataset a client named, or an InvalidParamError for `field` listing the names. */
export function datasetNamed(name: string, field = 'dataset'): AnyDataset {
  if (!isDatasetName(name)) {
    throw new InvalidParamError(field, `${field} must be one of ${datasetNames.join(', ')}`)
  }
  return datasets[name]
}

/**
 * One entry's canonical params from the strings a command body (or a stream's query) gives,
 * checked as its read route checks them; an unknown param is an InvalidParamError naming it
 * (after `field`, the path of the params in the request) and the ones it takes.
 */
export function entryParams(
  dataset: AnyDataset,
  raw: Record<string, string>,
  field = 'params.',
): Record<string, unknown> {
  const accepted = Object.keys(dataset.params.properties)
  const unknown = Object.keys(raw).find((name) => !accepted.includes(name))
  if (unknown !== undefined) {
    throw new InvalidParamError(
      `${field}${unknown}`,
      `${field}${unknown} is not a parameter of ${dataset.name}; it takes ${accepted.join(', ')}`,
    )
  }
  return dataset.parseParams(raw) as Record<string, unknown>
}
