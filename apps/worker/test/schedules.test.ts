import { describe, expect, it } from 'vitest'
import { tickStartMs } from '../src/schedules'

describe('tickStartMs', () => {
  it('is the scheduled second, whatever the jitter in the Date passed', () => {
    expect(tickStartMs(new Date('2025-11-20T12:00:05.000Z'))).toBe(
      Date.parse('2025-11-20T12:00:05Z'),
    )
    expect(tickStartMs(new Date('2025-11-20T12:00:04.998Z'))).toBe(
      Date.parse('2025-11-20T12:00:05Z'),
    )
    expect(tickStartMs(new Date('2025-11-20T12:00:05.004Z'))).toBe(
      Date.parse('2025-11-20T12:00:05Z'),
    )
  })
})
