import { describe, expect, it } from 'vitest'
import { usEquitiesCalendar } from '../../../src/derive/calendars/us-equities'

/** The state at a fixed instant (ISO, with Z): no real clock anywhere. */
const at = (instant: string) => usEquitiesCalendar(Date.parse(instant))
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

describe('us-equities sessions across daylight saving time', () => {
  it('opens at 09:30 New York: 14:30Z before the March change, 13:30Z after it', () => {
    // DST began Sunday 9 March 2025.
    expect(at('2025-03-07T14:29:59Z').status).toBe('pre-market')
    expect(at('2025-03-07T14:30:00Z')).toMatchObject({ status: 'open', is_open: true })
    expect(at('2025-03-10T13:29:59.999Z').status).toBe('pre-market')
    expect(at('2025-03-10T13:30:00Z')).toMatchObject({
      status: 'open',
      is_open: true,
      timezone: 'America/New_York',
      next_open: '2025-03-11T13:30:00.000Z',
      next_close: '2025-03-10T20:00:00.000Z',
      reason: null,
    })
  })

  it('opens at 14:30Z again after the November change', () => {
    // DST ended Sunday 2 November 2025.
    expect(at('2025-10-31T13:30:00Z').status).toBe('open')
    expect(at('2025-11-03T13:30:00Z').status).toBe('pre-market')
    expect(at('2025-11-03T14:30:00Z').status).toBe('open')
  })

  it('computes next_open across the change from the weekend before it', () => {
    // Saturday 8 March 2025 (EST) → Monday 10 March (EDT).
    expect(at('2025-03-08T17:00:00Z')).toMatchObject({
      next_open: '2025-03-10T13:30:00.000Z',
      next_close: '2025-03-10T20:00:00.000Z',
    })
    // Sunday 2 November 2025 at 01:30 EDT, before the clocks fall back → Monday 09:30 EST.
    expect(at('2025-11-02T05:30:00Z')).toMatchObject({
      status: 'closed',
      reason: 'weekend',
      next_open: '2025-11-03T14:30:00.000Z',
    })
  })
})

describe('us-equities session boundaries on a regular day', () => {
  // Tuesday 14 October 2025, New York on EDT (UTC-4).
  it.each([
    ['2025-10-14T07:59:59Z', 'closed', '2025-10-14T08:00:00Z'],
    ['2025-10-14T08:00:00Z', 'pre-market', '2025-10-14T13:30:00Z'],
    ['2025-10-14T13:29:59Z', 'pre-market', '2025-10-14T13:30:00Z'],
    ['2025-10-14T13:30:00Z', 'open', '2025-10-14T20:00:00Z'],
    ['2025-10-14T19:59:59Z', 'open', '2025-10-14T20:00:00Z'],
    ['2025-10-14T20:00:00Z', 'post-market', '2025-10-15T00:00:00Z'],
    ['2025-10-14T23:59:59Z', 'post-market', '2025-10-15T00:00:00Z'],
    // 20:00 New York: closed until midnight, when the next day's calendar applies.
    ['2025-10-15T00:00:00Z', 'closed', '2025-10-15T04:00:00Z'],
  ])('at %s it is %s until %s', (instant, status, until) => {
    const state = at(instant)
    expect(state.status).toBe(status)
    expect(state.is_open).toBe(status === 'open')
    expect(state.reason).toBeNull()
    expect(state.changesAt).toBe(Date.parse(until))
  })

  it('points next_open at tomorrow once the session has started, next_close at today', () => {
    expect(at('2025-10-14T15:00:00Z')).toMatchObject({
      next_open: '2025-10-15T13:30:00.000Z',
      next_close: '2025-10-14T20:00:00.000Z',
    })
    expect(at('2025-10-14T21:00:00Z')).toMatchObject({
      next_open: '2025-10-15T13:30:00.000Z',
      next_close: '2025-10-15T20:00:00.000Z',
    })
  })
})

describe('us-equities weekends and holidays', () => {
  it('is closed all weekend, and reopens Monday', () => {
    // Saturday 18 October 2025, at what would be mid-session.
    expect(at('2025-10-18T15:00:00Z')).toEqual({
      status: 'closed',
      is_open: false,
      timezone: 'America/New_York',
      next_open: '2025-10-20T13:30:00.000Z',
      next_close: '2025-10-20T20:00:00.000Z',
      reason: 'weekend',
      changesAt: Date.parse('2025-10-19T04:00:00Z'),
    })
    // Friday evening in New York is still Friday, not the weekend.
    expect(at('2025-10-18T01:00:00Z')).toMatchObject({ status: 'closed', reason: null })
  })

  it('is closed on Thanksgiving and names it', () => {
    expect(at('2025-11-27T15:00:00Z')).toMatchObject({
      status: 'closed',
      is_open: false,
      reason: 'holiday: Thanksgiving Day',
      next_open: '2025-11-28T14:30:00.000Z',
      next_close: '2025-11-28T18:00:00.000Z',
    })
    // No pre- or post-market on a holiday either.
    expect(at('2025-11-27T10:00:00Z').status).toBe('closed')
    expect(at('2025-11-27T22:00:00Z').status).toBe('closed')
  })

  it('skips Good Friday and the weekend after it: next_open over a long weekend', () => {
    // Thursday 17 April 2025 after the close → Monday 21 April.
    expect(at('2025-04-17T21:00:00Z')).toMatchObject({
      status: 'post-market',
      next_open: '2025-04-21T13:30:00.000Z',
      next_close: '2025-04-21T20:00:00.000Z',
    })
    expect(at('2025-04-18T14:00:00Z')).toMatchObject({ reason: 'holiday: Good Friday' })
  })

  it('skips a Monday holiday after the weekend (Labor Day)', () => {
    // Friday 29 August 2025 after the close → Tuesday 2 September.
    expect(at('2025-08-29T20:30:00Z')).toMatchObject({
      status: 'post-market',
      next_open: '2025-09-02T13:30:00.000Z',
    })
    expect(at('2025-09-01T15:00:00Z').reason).toBe('holiday: Labor Day')
  })

  it('closes on the observed day of a Saturday holiday and keeps the Saturday a weekend', () => {
    // Independence Day 2026 falls on a Saturday: closed Friday 3 July.
    expect(at('2026-07-03T15:00:00Z')).toMatchObject({
      status: 'closed',
      reason: 'holiday: Independence Day',
      next_open: '2026-07-06T13:30:00.000Z',
    })
    expect(at('2026-07-04T15:00:00Z').reason).toBe('weekend')
  })

  it('closes on the Monday after a Sunday holiday', () => {
    // New Year's Day 2023 fell on a Sunday: closed Monday 2 January.
    expect(at('2023-01-02T15:00:00Z')).toMatchObject({
      status: 'closed',
      reason: "holiday: New Year's Day",
      next_open: '2023-01-03T14:30:00.000Z',
    })
  })

  it('trades the Friday before a Saturday New Year’s Day', () => {
    expect(at('2021-12-31T15:00:00Z')).toMatchObject({ status: 'open', reason: null })
  })
})

describe('us-equities early closes', () => {
  // Day after Thanksgiving 2025 (Friday 28 November, EST): regular 09:30–13:00, late to 17:00.
  it('ends the regular session at 13:00 and says why', () => {
    expect(at('2025-11-28T17:59:59Z')).toMatchObject({
      status: 'open',
      next_close: '2025-11-28T18:00:00.000Z',
      next_open: '2025-12-01T14:30:00.000Z',
      reason: 'early close: day after Thanksgiving Day',
    })
    expect(iso(at('2025-11-28T17:00:00Z').changesAt)).toBe('2025-11-28T18:00:00.000Z')
  })

  it('runs post-market from 13:00 to 17:00 New York', () => {
    expect(at('2025-11-28T18:30:00Z')).toMatchObject({
      status: 'post-market',
      is_open: false,
      next_open: '2025-12-01T14:30:00.000Z',
      next_close: '2025-12-01T21:00:00.000Z',
      reason: 'early close: day after Thanksgiving Day',
    })
    expect(at('2025-11-28T21:59:59Z').status).toBe('post-market')
    expect(at('2025-11-28T22:00:00Z').status).toBe('closed')
  })

  it('closes early on Christmas Eve and before Independence Day', () => {
    expect(at('2025-12-24T18:00:00Z')).toMatchObject({
      status: 'post-market',
      reason: 'early close: Christmas Eve',
      next_open: '2025-12-26T14:30:00.000Z',
    })
    expect(at('2025-07-03T16:59:59Z')).toMatchObject({
      status: 'open',
      next_close: '2025-07-03T17:00:00.000Z',
      reason: 'early close: day before Independence Day',
    })
  })

  it('reports the early next_close ahead of time', () => {
    // Thanksgiving evening: the next session is the short one.
    expect(at('2025-11-27T23:00:00Z').next_close).toBe('2025-11-28T18:00:00.000Z')
  })
})
