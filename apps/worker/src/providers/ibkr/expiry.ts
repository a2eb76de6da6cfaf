/**
 * US equity options expire at the 16:00 close in New York. The offset comes from the runtime's
 * time-zone data, so daylight saving moves the UTC instant (20:00Z in summer, 21:00Z in winter).
 */

const OFFSET_FORMAT = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  timeZoneName: 'longOffset',
})

/** New York's offset from UTC at `ms`, in ms (e.g. -5 h in winter). */
function newYorkOffsetMs(ms: number): number {
  const name = OFFSET_FORMAT.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '')
  if (!match) return 0
  const minutes = Number(match[2]) * 60 + Number(match[3])
  return (match[1] === '-' ? -1 : 1) * minutes * 60_000
}

/**
 * `maturityDate` as secdef/info sends it (`YYYYMMDD`) → the expiry instant, ISO 8601 UTC; null
 * when it is not a real calendar date.
 */
export function expiryOf(maturityDate: string): string | null {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(maturityDate)
  if (!match) return null
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const wall = Date.UTC(year, month - 1, day, 16)
  const date = new Date(wall)
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null
  // DST changes at 02:00 local, so the offset at noon UTC is the one in force at 16:00 local.
  return new Date(wall - newYorkOffsetMs(Date.UTC(year, month - 1, day, 12))).toISOString()
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']

/** `DEC26` (secdef's month code) → `202612`, to match against `maturityDate`; null if malformed. */
export function monthPrefix(month: string): string | null {
  const match = /^([A-Z]{3})(\d{2})$/.exec(month.toUpperCase())
  const index = match ? MONTHS.indexOf(match[1] as string) : -1
  if (!match || index < 0) return null
  return `20${match[2]}${String(index + 1).padStart(2, '0')}`
}
