import type { AnyDataset } from '@marketcache/shared/dataset'
import type { Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ProviderNotFoundError,
  ProviderRateLimitError,
  ProviderUnavailableError,
} from '../../src/errors'

/** One dataset an adapter fills, as the contract exercises it. */
export interface ContractCase<D extends AnyDataset = AnyDataset> {
  dataset: D
  /** Params the upstream knows. */
  known: Static<D['params']>
  /** Params the upstream does not know: the adapter must say ProviderNotFoundError. */
  unknown?: Static<D['params']>
  /** The adapter call(s) that fill this dataset, returning the value that would be written. */
  fetch(params: Static<D['params']>): Promise<Static<D['value']>>
}

/** An adapter wired to an upstream (the simulator, or a fixture server), for one contract run. */
export interface ContractSubject {
  cases: ContractCase[]
  /** Makes the upstream's next call answer with its rate-limit shape. */
  provokeRateLimit(): Promise<void>
  /** Makes the upstream's next call fail the way a provider outage does (5xx, timeout). */
  provokeOutage(): Promise<void>
  /** Any cheap adapter call, used after provoking. */
  probe(): Promise<unknown>
  close(): Promise<void>
}

/**
 * What every provider adapter must do, whatever its wire format: valid values for what it knows,
 * "not found" for what it does not, a rate-limit error the queue can wait out, and a transient
 * error for an outage. Each adapter runs it against the simulator and against recorded-shape
 * fixtures; passing both is what makes the simulator a faithful stand-in.
 */
export function providerContract(name: string, start: () => Promise<ContractSubject>) {
  describe(`provider contract: ${name}`, () => {
    let subject: ContractSubject
    beforeAll(async () => {
      subject = await start()
    })
    afterAll(() => subject.close())

    it('fills every dataset it serves with values that pass the dataset schema', async () => {
      for (const c of subject.cases) {
        const value = await c.fetch(c.known)
        const errors = [...Value.Errors(c.dataset.value, value)].map(
          (e) => `${e.path}: ${e.message}`,
        )
        expect(errors, `${c.dataset.name} ${JSON.stringify(c.known)}`).toEqual([])
      }
    })

    it('reports what the upstream does not know as not found', async () => {
      for (const c of subject.cases.filter((c) => c.unknown !== undefined)) {
        await expect(
          c.fetch(c.unknown),
          `${c.dataset.name} ${JSON.stringify(c.unknown)}`,
        ).rejects.toBeInstanceOf(ProviderNotFoundError)
      }
    })

    it('turns the upstream rate limit into a rate-limit error with a positive wait', async () => {
      await subject.provokeRateLimit()
      const error = await subject.probe().then(
        () => null,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(ProviderRateLimitError)
      expect((error as ProviderRateLimitError).retryAfterMs).toBeGreaterThan(0)
    })

    it('turns an outage into a transient error', async () => {
      await subject.provokeOutage()
      await expect(subject.probe()).rejects.toBeInstanceOf(ProviderUnavailableError)
    })
  })
}
