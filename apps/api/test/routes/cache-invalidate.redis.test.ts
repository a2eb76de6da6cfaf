import { cacheKey } from '@marketcache/shared/dataset'
import { collar } from '@marketcache/shared/datasets/collar'
import { describe, expect, it } from 'vitest'
import { TestKeys, useTestApp } from '../fixtures/test-app'

const t = useTestApp({}, { beforeEach: 'queues' })

const post = (payload: unknown, key: string | null = TestKeys.admin) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/cache/invalidate',
    payload: payload as object,
    headers: key ? { authorization: `Bearer ${key}` } : {},
  })

describe('POST /v1/cache/invalidate', () => {
  it.each([
    [
      { mode: 'delete', dataset: 'collar', params: { underlying: 'btc' } },
      { dataset: 'collar', params: { underlying: 'btc' } },
    ],
    [
      { mode: 'expire', dataset: 'collar', match: { underlying: 'BTC' } },
      { dataset: 'collar', match: { underlying: 'BTC' } },
    ],
    [{ mode: 'delete', dataset: 'spot' }, { dataset: 'spot' }],
    [{ mode: 'expire', all: true }, { all: true }],
  ])('%j: one control.invalidate job, answered 202', async (body, target) => {
    const response = await post(body)
    expect(response.statusCode).toBe(202)
    const { job, mode } = response.json()
    expect(job.id).toMatch(/^control\.\d+$/)
    expect(mode).toBe(body.mode)
    const [queued, ...more] = await t.pendingJobs()
    expect(more).toEqual([])
    expect(queued?.name).toBe('control.invalidate')
    expect(queued?.data).toMatchObject({ mode: body.mode, target, origin: 'update' })
    expect(`control.${queued?.id}`).toBe(job.id)
  })

  it('names the one key a params body covers', async () => {
    const response = await post({
      mode: 'delete',
      dataset: 'collar',
      params: { underlying: 'btc' },
    })
    expect(response.json().key).toBe(
      cacheKey(t.keys, collar, { exchange: 'bybit', underlying: 'BTC' }),
    )
  })

  it('makes every request its own job, even an identical one', async () => {
    const body = { mode: 'delete', dataset: 'spot' }
    const first = (await post(body)).json().job.id
    const second = (await post(body)).json().job.id
    expect(second).not.toBe(first)
  })

  it('needs the admin scope', async () => {
    expect((await post({ mode: 'delete', all: true }, null)).statusCode).toBe(401)
    const writer = await post({ mode: 'delete', all: true }, TestKeys.writer)
    expect(writer.statusCode).toBe(403)
    expect(await t.pendingJobs()).toEqual([])
  })

  it.each([
    [{ dataset: 'spot' }, 'mode'],
    [{ mode: 'purge', dataset: 'spot' }, 'mode'],
    [{ mode: 'delete' }, 'body must be one of'],
    [{ mode: 'delete', pattern: 'mc:*' }, 'pattern'],
    [{ mode: 'delete', all: true, dataset: 'spot' }, 'all takes no dataset'],
    [
      {
        mode: 'delete',
        dataset: 'collar',
        params: { underlying: 'BTC' },
        match: { underlying: 'BTC' },
      },
      'not params and match',
    ],
    [{ mode: 'delete', dataset: 'nope' }, 'dataset'],
    [
      { mode: 'delete', dataset: 'collar', match: { underlying: '*' } },
      'match.underlying must be 1-64 characters',
    ],
    [
      { mode: 'delete', dataset: 'collar', match: { strike: '1' } },
      'match.strike is not a parameter of collar',
    ],
    [{ mode: 'delete', dataset: 'collar', match: {} }, 'match names no parameter'],
    [{ mode: 'delete', dataset: 'backtest', match: { rsi_period: '14' } }, 'cannot be matched'],
    [{ mode: 'delete', dataset: 'collar', params: { underlying: 'B'.repeat(300) } }, 'underlying'],
  ])('%j: 400 INVALID_BODY naming the problem, nothing enqueued', async (body, message) => {
    const response = await post(body)
    expect(response.statusCode).toBe(400)
    const error = response.json()
    expect(error.code).toBe('INVALID_BODY')
    expect(JSON.stringify(error)).toContain(message)
    expect(await t.pendingJobs()).toEqual([])
  })
})
