import { loadConfig as loadApiConfig } from '@marketcache/api/config'
import { notInTurboEnv, variablesInSource, variablesReadBy } from '@marketcache/devkit/turbo-env'
import { loadConfig as loadSimulatorConfig } from '@marketcache/simulator/config'
import { loadConfig as loadWorkerConfig } from '@marketcache/worker/config'
import { describe, expect, it } from 'vitest'

/** Every module that reads the environment, and what it reads. */
const readers = {
  api: variablesReadBy(loadApiConfig),
  worker: variablesReadBy(loadWorkerConfig),
  simulator: variablesReadBy(loadSimulatorConfig),
  devkit: variablesInSource(new URL('../../../packages/devkit/src/config.ts', import.meta.url)),
}

describe('turbo.json env', () => {
  it.each(Object.entries(readers))('covers every variable the %s reads', (_app, names) => {
    expect(names.length).toBeGreaterThan(0)
    expect(notInTurboEnv(names)).toEqual([])
  })

  it("sees every dataset's freshness variables, so a new dataset cannot slip past it", () => {
    for (const name of ['OPTION_CHAIN_FRESH_S', 'MARKET_STATUS_NEGATIVE_S', 'BACKTEST_ERROR_S']) {
      expect(readers.worker).toContain(name)
    }
    expect(notInTurboEnv(['SOME_UNLISTED_VARIABLE', 'COIN_FRESH_S'])).toEqual([
      'SOME_UNLISTED_VARIABLE',
    ])
  })
})
