import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Stack, startStack } from './support/stack'

describe('a stampede over several API replicas', () => {
  let stack: Stack
  beforeAll(async () => {
    // A provider 150 ms away, like the real one, so reads keep arriving while the fill runs.
    // The reads come from one address; per-client limits are not what this test is about.
    stack = await startStack({
      apiReplicas: 2,
      sim: { latencyMs: 150 },
      apiEnv: { RATE_LIMIT_MAX: '100000', RATE_LIMIT_COSTLY_MAX: '100000' },
    })
  })
  afterAll(() => stack.close())

  it('1000 concurrent cold reads of one coin over 3 API processes cost exactly 1 provider call', async () => {
    for (const coin of ['cardano', 'polkadot']) {
      const responses = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          fetch(`${stack.apis[i % stack.apis.length]}/v1/coins/${coin}?wait=10000`),
        ),
      )
      const statuses = new Set(responses.map((response) => response.status))
      await Promise.all(responses.map((response) => response.arrayBuffer()))
      expect([...statuses]).toEqual([200])
      expect((await stack.simStats()).byCoin[coin]).toBe(1)
    }
  })
})
