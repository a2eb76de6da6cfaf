import { describe, expect, it } from 'vitest'
import { useTestApp } from '../fixtures/test-app'

const t = useTestApp({}, { beforeEach: 'nothing' })

describe('health', () => {
  it('GET /health is 200 while the process runs', async () => {
    const response = await t.app.inject('/health')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ok' })
  })

  it('GET /health/ready is 200 when both Redis servers answer', async () => {
    const response = await t.app.inject('/health/ready')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ok', cache: 'up', queue: 'up' })
  })
})
