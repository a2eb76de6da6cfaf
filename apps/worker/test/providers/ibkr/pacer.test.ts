import { Priority } from '@marketcache/shared/jobs'
import { describe, expect, it } from 'vitest'
import { withCallPriority } from '../../../src/call-priority'
import { CallPacer } from '../../../src/providers/ibkr/pacer'

/** Asks for a turn at `priority` (as a job of that priority would) and records when it came. */
function ask(pacer: CallPacer, priority: number, name: string, order: string[], at: number[]) {
  return withCallPriority(priority, async () => {
    await pacer.turn()
    order.push(name)
    at.push(Date.now())
  })
}

describe('the IBKR call pacer', () => {
  it('spaces calls at least duration / max apart (10 % wider)', async () => {
    const pacer = new CallPacer({ max: 20, duration: 1000 })
    const order: string[] = []
    const at: number[] = []
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => ask(pacer, Priority.warm, `c${i}`, order, at)),
    )
    expect(order).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5'])
    for (let i = 1; i < at.length; i++) {
      // 55 ms apart, so never more than 20 a second even when a timer fires a little early.
      expect((at[i] as number) - (at[i - 1] as number)).toBeGreaterThanOrEqual(50)
    }
  })

  it('lets a miss go before warm-up calls that asked earlier, and keeps arrival order among equals', async () => {
    const pacer = new CallPacer({ max: 10, duration: 1000 })
    const order: string[] = []
    const at: number[] = []
    const warm = ['w0', 'w1', 'w2', 'w3'].map((name) => ask(pacer, Priority.warm, name, order, at))
    const stale = ask(pacer, Priority.stale, 's0', order, at)
    const misses = ['m0', 'm1'].map((name) => ask(pacer, Priority.miss, name, order, at))
    await Promise.all([...warm, stale, ...misses])
    // w0 found the pacer idle; then by priority: misses, the stale refresh, the other warm-ups.
    expect(order).toEqual(['w0', 'm0', 'm1', 's0', 'w1', 'w2', 'w3'])
    expect(pacer.waiting).toBe(0)
  })

  it('counts a call made outside any job as a miss', async () => {
    const pacer = new CallPacer({ max: 10, duration: 1000 })
    const order: string[] = []
    const at: number[] = []
    const warm = ['w0', 'w1'].map((name) => ask(pacer, Priority.warm, name, order, at))
    const bare = pacer.turn().then(() => order.push('bare'))
    await Promise.all([...warm, bare])
    expect(order).toEqual(['w0', 'bare', 'w1'])
  })
})
