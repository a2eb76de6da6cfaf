import { type AnyDataset, cacheKey } from '@marketcache/shared/dataset'
import type { Envelope } from '@marketcache/shared/envelope'
import { movedBeyond } from '@marketcache/shared/read-decision'
import { datasets, isDatasetName } from '@marketcache/shared/registry'
import type { FastifyBaseLogger } from 'fastify'
import type { ApiServices } from './services'

/** Whether a fresh entry's input has moved too far from the `basis` it was computed with. */
export type InputMoved = (
  params: object,
  envelope: Envelope,
  log: FastifyBaseLogger,
) => Promise<boolean>

/**
 * The early-staleness check of a dataset that declares `staleWhen` (a collar's spot), or null for
 * every other dataset, so their reads never pay for it. The check costs one HMGET of the input
 * entry. It never downgrades on a doubt: no basis, input absent or unreadable, no number in it.
 */
export function inputMovedCheck(services: ApiServices, dataset: AnyDataset): InputMoved | null {
  const staleWhen = dataset.staleWhen
  if (!staleWhen) return null
  const movedBy = services.config.inputMoveLimits[dataset.name] ?? staleWhen.movedBy

  return async (params, envelope, log) => {
    const basis = envelope.basis
    if (basis === undefined) return false
    const input = staleWhen.input(params)
    try {
      if (!isDatasetName(input.dataset)) throw new Error(`unknown dataset ${input.dataset}`)
      const inputDataset: AnyDataset = datasets[input.dataset]
      const key = cacheKey(services.keys, inputDataset, inputDataset.parseParams(input.params))
      const entry = await services.reader.read(key)
      if (entry === null || 'notFound' in entry) return false
      const current = staleWhen.read(JSON.parse(entry.data))
      return current !== null && movedBeyond(basis, current, movedBy)
    } catch (error) {
      // The entry itself was just read and is fresh: serve it as it is rather than fail the read.
      log.warn({ err: error, dataset: dataset.name, input }, 'staleWhen input not checked')
      return false
    }
  }
}

/** The entry as served early-stale: no longer fresh for downstream caches either (max-age=0). */
export function expiredAt(envelope: Envelope, now: number): Envelope {
  return { ...envelope, freshUntil: Math.min(envelope.freshUntil, now) }
}
