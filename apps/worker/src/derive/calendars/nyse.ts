import {
  addDays,
  type CivilDate,
  civilDate,
  easterSunday,
  isoDate,
  isWeekend,
  lastWeekday,
  nthWeekday,
  Weekday,
  weekdayOf,
} from './civil-date'

/**
 * The NYSE holiday calendar by rule (NYSE Rule 7.2 and its published calendars), for any year.
 *
 * Observance: a holiday on a Sunday is observed the Monday after; one on a Saturday the Friday
 * before, EXCEPT New Year's Day. NYSE does not close on a Friday that ends a month or year, so a
 * Saturday New Year's Day is simply not observed (1 Jan 2022 was a Saturday and NYSE traded a
 * full day on Fri 31 Dec 2021; the same will happen in 2028 and 2033).
 *
 * Not modelled, because no rule predicts them: one-off closures (national days of mourning,
 * 9/11, Hurricane Sandy) and the odd year NYSE closed Christmas Eve in full. Rules are today's:
 * Juneteenth counts from 2022 and Martin Luther King, Jr. Day from 1998, when NYSE adopted them.
 */

export interface NyseDay {
  date: CivilDate
  kind: 'weekend' | 'holiday' | 'early-close' | 'full'
  /** The holiday or early close, e.g. `Thanksgiving Day`, `day after Thanksgiving Day`. */
  name: string | null
}

/** A fixed-date holiday moved off the weekend: Saturday → Friday, Sunday → Monday. */
function observed(date: CivilDate): CivilDate {
  const weekday = weekdayOf(date)
  if (weekday === Weekday.saturday) return addDays(date, -1)
  if (weekday === Weekday.sunday) return addDays(date, 1)
  return date
}

/** Full-day closures of `year`, by ISO date. */
export function nyseHolidays(year: number): Map<string, string> {
  const holidays: [CivilDate | null, string][] = [
    // Saturday: not observed at all (see above); Sunday: the Monday after.
    [
      weekdayOf(civilDate(year, 1, 1)) === Weekday.saturday
        ? null
        : observed(civilDate(year, 1, 1)),
      "New Year's Day",
    ],
    [year >= 1998 ? nthWeekday(year, 1, Weekday.monday, 3) : null, 'Martin Luther King, Jr. Day'],
    [nthWeekday(year, 2, Weekday.monday, 3), "Washington's Birthday"],
    [addDays(easterSunday(year), -2), 'Good Friday'],
    [lastWeekday(year, 5, Weekday.monday), 'Memorial Day'],
    [
      year >= 2022 ? observed(civilDate(year, 6, 19)) : null,
      'Juneteenth National Independence Day',
    ],
    [observed(civilDate(year, 7, 4)), 'Independence Day'],
    [nthWeekday(year, 9, Weekday.monday, 1), 'Labor Day'],
    [nthWeekday(year, 11, Weekday.thursday, 4), 'Thanksgiving Day'],
    [observed(civilDate(year, 12, 25)), 'Christmas Day'],
  ]
  return new Map(
    holidays.flatMap(([date, name]) => (date === null ? [] : [[isoDate(date), name] as const])),
  )
}

/** Days the regular session ends at 13:00 (and late trading at 17:00), by ISO date. */
export function nyseEarlyCloses(year: number): Map<string, string> {
  const holidays = nyseHolidays(year)
  const candidates: [CivilDate, string][] = [
    // Only when 3 July is a weekday that is not itself the observed Independence Day (4 July on
    // a Saturday): with 4 July on a Monday, Friday 1 July is a full day.
    [civilDate(year, 7, 3), 'day before Independence Day'],
    [addDays(nthWeekday(year, 11, Weekday.thursday, 4), 1), 'day after Thanksgiving Day'],
    // Likewise skipped when 24 December is the observed Christmas Day or a weekend.
    [civilDate(year, 12, 24), 'Christmas Eve'],
  ]
  return new Map(
    candidates
      .filter(([date]) => !isWeekend(date) && !holidays.has(isoDate(date)))
      .map(([date, name]) => [isoDate(date), name] as const),
  )
}

/** What kind of trading day `date` is on NYSE. Weekends win over holidays that fall on them. */
export function nyseDay(date: CivilDate): NyseDay {
  if (isWeekend(date)) return { date, kind: 'weekend', name: null }
  const key = isoDate(date)
  const holiday = nyseHolidays(date.year).get(key)
  if (holiday !== undefined) return { date, kind: 'holiday', name: holiday }
  const early = nyseEarlyCloses(date.year).get(key)
  if (early !== undefined) return { date, kind: 'early-close', name: early }
  return { date, kind: 'full', name: null }
}
