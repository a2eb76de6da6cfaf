import { describe, expect, it } from 'vitest'
import { expiryOf, monthPrefix } from '../../../src/providers/ibkr/expiry'
import { nearestStrikes } from '../../../src/providers/ibkr/qualification'

describe('option expiry', () => {
  it('is 16:00 New York: 21:00Z in winter, 20:00Z in summer', () => {
    expect(expiryOf('20281215')).toBe('2028-12-15T21:00:00.000Z')
    expect(expiryOf('20290615')).toBe('2029-06-15T20:00:00.000Z')
  })

  it('follows the DST changes (second Sunday of March, first Sunday of November)', () => {
    expect(expiryOf('20270312')).toBe('2027-03-12T21:00:00.000Z') // Friday before the change
    expect(expiryOf('20270315')).toBe('2027-03-15T20:00:00.000Z') // Monday after it
    expect(expiryOf('20271105')).toBe('2027-11-05T20:00:00.000Z')
    expect(expiryOf('20271108')).toBe('2027-11-08T21:00:00.000Z')
  })

  it('rejects what is not a calendar date', () => {
    for (const raw of ['20280230', '2028121', 'DEC28', '']) expect(expiryOf(raw)).toBeNull()
  })

  it('maps secdef month codes to maturity prefixes', () => {
    expect(monthPrefix('DEC26')).toBe('202612')
    expect(monthPrefix('jan27')).toBe('202701')
    expect(monthPrefix('XYZ27')).toBeNull()
  })
})

describe('strike selection', () => {
  it('keeps the strikes nearest to spot, ascending', () => {
    const listed = [200, 210, 220, 225, 230, 235, 240, 245, 250]
    expect(nearestStrikes(listed, 232.5, 4)).toEqual([225, 230, 235, 240])
    expect(nearestStrikes(listed, 232.5, 1)).toEqual([230])
    expect(nearestStrikes(listed, 1000, 2)).toEqual([245, 250])
    expect(nearestStrikes([230, 230, 235], 232.5, 5)).toEqual([230, 235])
  })
})
