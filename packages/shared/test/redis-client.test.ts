import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisClient, redisUrls } from '../src/redis-client'

/** A private master and one Sentinel watching it, on loopback ports no other suite uses. */
const MASTER_PORT = 7410
const SENTINEL_PORT = 7411

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`${what} within 10 s`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('a master named by Redis Sentinel (redis+sentinel://)', () => {
  const children: ChildProcess[] = []
  let dir = ''

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mc-sentinel-'))
    // Sentinel rewrites its config file, so it gets one of its own.
    const conf = join(dir, 'sentinel.conf')
    await writeFile(
      conf,
      `port ${SENTINEL_PORT}\nsentinel monitor mymaster 127.0.0.1 ${MASTER_PORT} 1\n`,
    )
    const quiet = { stdio: 'ignore' } as const
    children.push(
      spawn(
        'redis-server',
        ['--port', String(MASTER_PORT), '--save', '', '--appendonly', 'no'],
        quiet,
      ),
      spawn('redis-server', [conf, '--sentinel'], quiet),
    )
    const sentinel = new Redis({ port: SENTINEL_PORT, lazyConnect: true, maxRetriesPerRequest: 0 })
    sentinel.on('error', () => {})
    await until(async () => {
      if (sentinel.status !== 'ready') await sentinel.connect().catch(() => {})
      const address = (await sentinel.call(
        'SENTINEL',
        'get-master-addr-by-name',
        'mymaster',
      )) as string[]
      return address?.[1] === String(MASTER_PORT)
    }, 'the sentinel knows the master')
    sentinel.disconnect()
  }, 20_000)

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL')
    await rm(dir, { recursive: true, force: true })
  })

  it('is one URL, whose commas list sentinels, not cluster seeds', () => {
    expect(redisUrls('redis+sentinel://10.0.0.1:26379,10.0.0.2:26379/mymaster')).toEqual([
      'redis+sentinel://10.0.0.1:26379,10.0.0.2:26379/mymaster',
    ])
  })

  it('reaches the master the sentinels name, and its db', async () => {
    const client = createRedisClient(
      `redis+sentinel://127.0.0.1:${SENTINEL_PORT},127.0.0.1:1/mymaster/2`,
      false,
      { maxRetriesPerRequest: 1 },
    )
    try {
      await client.set('mc:sentinel-test', 'yes')
      expect(await client.get('mc:sentinel-test')).toBe('yes')
      const info = await client.info('server')
      expect(info).toContain(`tcp_port:${MASTER_PORT}`)
      const direct = new Redis({ port: MASTER_PORT, db: 2 })
      expect(await direct.get('mc:sentinel-test')).toBe('yes')
      await direct.quit()
    } finally {
      client.disconnect()
    }
  })

  it('refuses to be a cluster', () => {
    expect(() =>
      createRedisClient(`redis+sentinel://127.0.0.1:${SENTINEL_PORT}/mymaster`, true, {}),
    ).toThrow(/Sentinel URL names one master/)
  })
})
