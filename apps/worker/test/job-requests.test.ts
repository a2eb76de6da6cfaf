import { describe, expect, it } from 'vitest'
import { jobDataProblem } from '../src/job-requests'

describe('jobDataProblem', () => {
  it('accepts what producers send, extra fields included', () => {
    expect(jobDataProblem('coingecko.coin', { id: 'bitcoin', origin: 'miss' })).toBeNull()
    expect(
      jobDataProblem('coingecko.markets', { top: 50, origin: 'warm', traceId: 'x' }),
    ).toBeNull()
    expect(jobDataProblem('coingecko.markets', { ids: ['a', 'b'], origin: 'update' })).toBeNull()
  })

  it('names what no processor can run', () => {
    expect(jobDataProblem('coingecko.coin', { id: 'Bit:coin' })).toContain('/id')
    expect(jobDataProblem('coingecko.coin', null)).not.toBeNull()
    expect(jobDataProblem('coingecko.markets', { top: 0 })).not.toBeNull()
    expect(jobDataProblem('coingecko.markets', { ids: [] })).not.toBeNull()
    const tooMany = Array.from({ length: 251 }, (_, i) => `coin-${i}`)
    expect(jobDataProblem('coingecko.markets', { ids: tooMany })).not.toBeNull()
  })
})
