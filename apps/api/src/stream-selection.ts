import {
  type AnyDataset,
  cacheKey,
  isPushed,
  type PushedDataset,
} from '@marketcache/shared/dataset'
import { InvalidParamError } from '@marketcache/shared/errors'
import type { Keys } from '@marketcache/shared/keys'
import { datasetNamed, datasetNames, datasets, entryParams } from '@marketcache/shared/registry'
import { type TOptional, type TString, Type } from '@sinclair/typebox'

/** Most entries one `keys=` list selects. */
export const STREAM_MAX_KEYS = 100

/** One selected entry: its key, and the dataset and canonical params its events name. */
export interface SelectedEntry {
  key: string
  dataset: AnyDataset
  params: Readonly<Record<string, unknown>>
}

/** Every entry a pushed dataset's index lists under one segment: the signals of AAPL. */
export interface SelectedIndex {
  dataset: PushedDataset
  /** Canonical, as the index spells it (`AAPL`). */
  segment: string
}

/** What one stream follows: listed entries, or an index. */
export interface StreamSelection {
  entries: readonly SelectedEntry[]
  index: SelectedIndex | null
}

/** The pushed datasets a stream can follow by index, and the index's field (`signal`: `symbol`). */
const INDEX_FIELDS = Object.fromEntries(
  datasetNames.flatMap((name) => {
    const dataset: AnyDataset = datasets[name]
    const index = isPushed(dataset) ? dataset.push.index : undefined
    return index ? [[name, index.name]] : []
  }),
) as Readonly<Record<string, string>>

/** Every dataset's params and every index field, each once: what may follow `dataset=`. */
const SELECTOR_PARAMS = [
  ...new Set([
    ...datasetNames.flatMap((name) => Object.keys(datasets[name].params.properties)),
    ...Object.values(INDEX_FIELDS),
  ]),
]

/** The stream's query: `keys=`, or `dataset=` with the params of one entry (or an index field). */
export const StreamQuery = Type.Object({
  keys: Type.Optional(
    Type.String({
      description:
        `Up to ${STREAM_MAX_KEYS} entries, comma-separated, each <dataset>/<param>/<param>… with ` +
        'the params in the order of its read path: `spot/bybit/BTCUSDT,coin/bitcoin,signal/sig-1`. ' +
        'Not with `dataset`.',
    }),
  ),
  dataset: Type.Optional(
    Type.String({
      enum: datasetNames,
      description:
        "One entry, named by this dataset's params (`dataset=spot&exchange=bybit&symbol=BTCUSDT`), " +
        'or every entry a pushed dataset indexes under one value (`dataset=signal&symbol=AAPL`: ' +
        'every signal of AAPL).',
    }),
  ),
  ...(Object.fromEntries(
    SELECTOR_PARAMS.map((name) => [
      name,
      Type.Optional(
        Type.String({
          description: `With \`dataset\`: its \`${name}\`, as its read route takes it.`,
        }),
      ),
    ]),
  ) as Record<string, TOptional<TString>>),
})

/**
 * The entries a stream's query selects, validated by each dataset's own `parseParams` and keyed
 * by the one key builder; an InvalidParamError (400) names what is wrong.
 */
export function streamSelection(
  query: Readonly<Record<string, string | undefined>>,
  keys: Keys,
): StreamSelection {
  const { keys: list, dataset: name, ...rest } = query
  const params = Object.fromEntries(
    Object.entries(rest).filter((pair): pair is [string, string] => pair[1] !== undefined),
  )
  if (list !== undefined) {
    if (name !== undefined || Object.keys(params).length > 0) {
      throw new InvalidParamError('keys', 'keys= lists entries on its own: leave out dataset=')
    }
    return { entries: listed(list, keys), index: null }
  }
  if (name === undefined) {
    throw new InvalidParamError(
      'keys',
      'select what to stream: keys=<dataset>/<param>/…, or dataset= with its params',
    )
  }
  const dataset = datasetNamed(name)
  const field = INDEX_FIELDS[dataset.name]
  if (field !== undefined && isPushed(dataset) && field in params) {
    const others = Object.keys(params).filter((param) => param !== field)
    if (others.length > 0) {
      throw new InvalidParamError(others[0] as string, `${field}= selects ${name}s on its own`)
    }
    const index = dataset.push.index!
    return { entries: [], index: { dataset, segment: index.parse(params[field] as string) } }
  }
  return { entries: [entryOf(dataset, params, keys, '')], index: null }
}

function listed(list: string, keys: Keys): SelectedEntry[] {
  const items = list.split(',')
  if (items.length > STREAM_MAX_KEYS) {
    throw new InvalidParamError('keys', `keys lists at most ${STREAM_MAX_KEYS} entries`)
  }
  const entries = new Map<string, SelectedEntry>()
  for (const item of items) {
    const [name = '', ...segments] = item.split('/')
    const dataset = datasetNamed(name, 'keys')
    const names = Object.keys(dataset.params.properties)
    if (segments.length > names.length) {
      throw new InvalidParamError(
        'keys',
        `keys: ${item} has too many parts: ${name}/${names.join('/')}`,
      )
    }
    const raw = Object.fromEntries(segments.map((segment, i) => [names[i] as string, segment]))
    const entry = entryOf(dataset, raw, keys, 'keys.')
    entries.set(entry.key, entry)
  }
  return [...entries.values()]
}

function entryOf(
  dataset: AnyDataset,
  raw: Record<string, string>,
  keys: Keys,
  field: string,
): SelectedEntry {
  const params = entryParams(dataset, raw, field)
  return { key: cacheKey(keys, dataset, params), dataset, params }
}
