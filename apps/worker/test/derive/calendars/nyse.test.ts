import { describe, expect, it } from 'vitest'
import { civilDate, easterSunday, isoDate } from '../../../src/derive/calendars/civil-date'
import { nyseDay, nyseEarlyCloses, nyseHolidays } from '../../../src/derive/calendars/nyse'

const dates = (map: Map<string, string>) => [...map.keys()]

describe('NYSE holidays by rule', () => {
  // NYSE's published calendars for these years.
  it.each([
    [
      2024,
      [
        '2024-01-01',
        '2024-01-15',
        '2024-02-19',
        '2024-03-29',
        '2024-05-27',
        '2024-06-19',
        '2024-07-04',
        '2024-09-02',
        '2024-11-28',
        '2024-12-25',
      ],
    ],
    [
      2025,
      [
        '2025-01-01',
        '2025-01-20',
        '2025-02-17',
        '2025-04-18',
        '2025-05-26',
        '2025-06-19',
        '2025-07-04',
        '2025-09-01',
        '2025-11-27',
        '2025-12-25',
      ],
    ],
    [
      2026,
      [
        '2026-01-01',
        '2026-01-19',
        '2026-02-16',
        '2026-04-03',
        '2026-05-25',
        '2026-06-19',
        '2026-07-03',
        '2026-09-07',
        '2026-11-26',
        '2026-12-25',
      ],
    ],
  ])('match the published %i calendar', (year, expected) => {
    expect(dates(nyseHolidays(year))).toEqual(expected)
  })

  it('observe a Sunday holiday on the Monday after', () => {
    expect(nyseHolidays(2023).get('2023-01-02')).toBe("New Year's Day")
    expect(nyseHolidays(2022).get('2022-06-20')).toBe('Juneteenth National Independence Day')
    expect(nyseHolidays(2022).get('2022-12-26')).toBe('Christmas Day')
    expect(nyseHolidays(2021).get('2021-07-05')).toBe('Independence Day')
  })

  it('observe a Saturday holiday on the Friday before', () => {
    expect(nyseHolidays(2026).get('2026-07-03')).toBe('Independence Day')
    expect(nyseHolidays(2027).get('2027-06-18')).toBe('Juneteenth National Independence Day')
    expect(nyseHolidays(2021).get('2021-12-24')).toBe('Christmas Day')
  })

  it('do not observe a Saturday New Year’s Day on the Friday that ends the year', () => {
    // 1 Jan 2022 was a Saturday: NYSE traded a full day on Friday 31 Dec 2021.
    expect(nyseDay(civilDate(2021, 12, 31))).toMatchObject({ kind: 'full', name: null })
    expect([...nyseHolidays(2022).values()]).not.toContain("New Year's Day")
    expect(nyseDay(civilDate(2027, 12, 31)).kind).toBe('full')
    expect(nyseDay(civilDate(2022, 1, 1)).kind).toBe('weekend')
  })

  it('count Juneteenth only from 2022', () => {
    expect(nyseHolidays(2021).has('2021-06-18')).toBe(false)
    expect(nyseHolidays(2021).size).toBe(9)
  })

  it('date Good Friday by the Gregorian computus', () => {
    expect([2000, 2019, 2024, 2025, 2038, 2285].map((year) => isoDate(easterSunday(year)))).toEqual(
      ['2000-04-23', '2019-04-21', '2024-03-31', '2025-04-20', '2038-04-25', '2285-03-22'],
    )
    expect(nyseDay(civilDate(2025, 4, 18))).toMatchObject({ kind: 'holiday', name: 'Good Friday' })
  })
})

describe('NYSE early closes by rule', () => {
  it('close early before Independence Day, after Thanksgiving and on Christmas Eve', () => {
    expect(Object.fromEntries(nyseEarlyCloses(2025))).toEqual({
      '2025-07-03': 'day before Independence Day',
      '2025-11-28': 'day after Thanksgiving Day',
      '2025-12-24': 'Christmas Eve',
    })
  })

  it('skip the eve when it is a weekend or the observed holiday itself', () => {
    // 2026: 4 July on a Saturday (3 July is the holiday); 2022: 4 July on a Monday (3 July a Sunday).
    expect(dates(nyseEarlyCloses(2026))).toEqual(['2026-11-27', '2026-12-24'])
    expect(dates(nyseEarlyCloses(2022))).toEqual(['2022-11-25'])
    // 2027: Christmas on a Saturday, observed on Friday the 24th.
    expect(nyseDay(civilDate(2027, 12, 24))).toMatchObject({
      kind: 'holiday',
      name: 'Christmas Day',
    })
    expect(nyseDay(civilDate(2027, 12, 23)).kind).toBe('full')
  })
})
