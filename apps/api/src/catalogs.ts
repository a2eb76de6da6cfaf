import { type AnyDataset, cacheKey, isPushed } from '@marketcache/shared/dataset'
import { type Catalog, catalog } from '@marketcache/shared/datasets/catalog'
import type { Keys } from '@marketcache/shared/keys'
import type { CacheReader } from './cache-reader'

interface LoadedCatalog {
  etag: string
  ids: ReadonlySet<string>
}

/**
 * The provider catalogs (every id a provider lists, cached by the worker as the `catalog`
 * dataset), so a miss for an id the provider does not list is refused before it costs a call.
 * Each process keeps a parsed copy per catalog and re-reads it only when its etag changes: one
 * HGET per miss, never on the hit path.
 */
export class Catalogs {
  readonly #loaded = new Map<string, LoadedCatalog>()
  readonly #loading = new Map<string, Promise<LoadedCatalog | null>>()

  constructor(
    private readonly reader: CacheReader,
    private readonly keys: Keys,
  ) {}

  /**
   * Whether a miss for these params may spend quota: false only when the dataset names a
   * catalog (`listedIn`), that catalog is cached, and it lacks the id. While a catalog is not
   * cached yet, every id may exist.
   */
  async mayList(dataset: AnyDataset, params: object): Promise<boolean> {
    const listing = isPushed(dataset) ? null : dataset.listedIn?.(params)
    if (!listing) return true
    const key = cacheKey(this.keys, catalog, catalog.parseParams({ name: listing.catalog }))
    const etag = await this.reader.etag(key)
    if (etag === null) return true
    const known = this.#loaded.get(key)
    const current = known?.etag === etag ? known : await this.#load(key)
    return current === null || current.ids.has(listing.id)
  }

  /** Concurrent misses after a catalog changed parse it once. */
  #load(key: string): Promise<LoadedCatalog | null> {
    let loading = this.#loading.get(key)
    if (loading === undefined) {
      loading = this.reader
        .read(key)
        .then((entry) => {
          if (entry === null || 'notFound' in entry) return null
          const loaded = { etag: entry.etag, ids: new Set((JSON.parse(entry.data) as Catalog).ids) }
          this.#loaded.set(key, loaded)
          return loaded
        })
        .finally(() => this.#loading.delete(key))
      this.#loading.set(key, loading)
    }
    return loading
  }
}
