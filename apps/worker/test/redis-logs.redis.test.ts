import { startPrivateRedis } from '@marketcache/devkit/redis'
import { describe, expect, it } from 'vitest'
import { startWorker } from '../src/start-worker'
import { captureLogger } from './support/capture-logger'
import { testConfig, testRedis } from './support/config'
import { runMain } from './support/main-process'
import { waitFor } from './support/wait'

const t = testRedis()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('what the worker logs about Redis', () => {
  it('never logs the Redis password, even when the server refuses it', async () => {
    const redis = await startPrivateRedis({ password: 'the-right-one-5f2c' })
    const url = redis.url.replace('the-right-one-5f2c', 'wrong-secret-9d41')
    const main = runMain({ CACHE_REDIS_URL: url, LOG_LEVEL: 'trace', WARM_SCHEDULES: '[]' })
    try {
      await sleep(2500)
    } finally {
      main.child.kill('SIGKILL')
      await main.exited
      await redis.stop()
    }
    const output = main.output()
    expect(output).toContain('WRONGPASS')
    expect(output).not.toContain('wrong-secret-9d41')
    expect(output).not.toContain('the-right-one-5f2c')
    // One line for the refused connection, not one per attempt.
    const lost = main.records.filter((r) => String(r.msg).startsWith('redis connection lost'))
    expect(lost).toHaveLength(1)
  })

  it('logs one line when Redis goes away and one when it is back', async () => {
    const redis = await startPrivateRedis()
    const port = Number(new URL(redis.url).port)
    const { logger, records } = captureLogger('info')
    const config = testConfig(t, { CACHE_REDIS_URL: redis.url })
    const worker = await startWorker(config, { logger })
    let restarted: Awaited<ReturnType<typeof startPrivateRedis>> | undefined
    try {
      await redis.stop()
      await sleep(4000)
      restarted = await startPrivateRedis({ port })
      await waitFor(
        () => (records.some((r) => r.msg === 'redis connection restored') ? true : undefined),
        { timeoutMs: 10_000, what: 'the worker to see Redis back' },
      )
      // Stragglers (BullMQ's blocking connections reconnect on their own timers) stay quiet.
      await sleep(2500)
    } finally {
      await worker.close()
      await restarted?.stop()
    }
    const about = (msg: string) => records.filter((r) => String(r.msg).startsWith(msg))
    expect(about('redis connection lost')).toHaveLength(1)
    expect(about('redis connection restored')).toHaveLength(1)
    // Nothing else at warn or above: no 'worker error', 'queue error' or 'redis error' per attempt
    // (the private Redis is diskless, which the start-up warns about once).
    const others = records.filter(
      (r) =>
        (r.level as number) >= 40 &&
        !String(r.msg).startsWith('redis connection lost') &&
        !String(r.msg).includes('no persistence'),
    )
    expect(others).toEqual([])
  })
})
