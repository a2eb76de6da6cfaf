import { describe, expect, it } from 'vitest'
import { civilDate } from '../../../src/derive/calendars/civil-date'
import { instantAt, wallClockAt } from '../../../src/derive/calendars/zoned-time'

const NY = 'America/New_York'
const HOUR = 3_600_000

describe('zoned time through Intl', () => {
  it('reads the New York wall clock on both sides of a DST change', () => {
    expect(wallClockAt(Date.parse('2025-03-09T06:59:59Z'), NY)).toEqual({
      date: civilDate(2025, 3, 9),
      msOfDay: HOUR + 59 * 60_000 + 59_000,
    })
    // One second later the clock jumps from 01:59:59 EST to 03:00:00 EDT.
    expect(wallClockAt(Date.parse('2025-03-09T07:00:00Z'), NY).msOfDay).toBe(3 * HOUR)
    // Midnight reads as 0, never as 24.
    expect(wallClockAt(Date.parse('2025-07-01T04:00:00.250Z'), NY)).toEqual({
      date: civilDate(2025, 7, 1),
      msOfDay: 250,
    })
  })

  it('turns a New York wall time into the instant, whichever offset applies that day', () => {
    expect(instantAt(civilDate(2025, 3, 7), 9.5 * HOUR, NY)).toBe(
      Date.parse('2025-03-07T14:30:00Z'),
    )
    expect(instantAt(civilDate(2025, 3, 10), 9.5 * HOUR, NY)).toBe(
      Date.parse('2025-03-10T13:30:00Z'),
    )
    // Midnight at the start of the day the clocks change is still on the old offset.
    expect(instantAt(civilDate(2025, 11, 2), 0, NY)).toBe(Date.parse('2025-11-02T04:00:00Z'))
    expect(instantAt(civilDate(2025, 11, 3), 0, NY)).toBe(Date.parse('2025-11-03T05:00:00Z'))
  })

  it('round-trips every quarter hour of a fall-back day except the repeated hour', () => {
    const day = civilDate(2025, 11, 2)
    for (let ms = 0; ms < 24 * HOUR; ms += HOUR / 4) {
      if (ms >= HOUR && ms < 2 * HOUR) continue
      expect(wallClockAt(instantAt(day, ms, NY), NY)).toEqual({ date: day, msOfDay: ms })
    }
  })
})
