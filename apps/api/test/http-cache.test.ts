import { describe, expect, it } from 'vitest'
import { entityTag, matchesIfNoneMatch } from '../src/http-cache'

describe('entityTag', () => {
  it('quotes bare etags and keeps quoted ones', () => {
    expect(entityTag('abc')).toBe('"abc"')
    expect(entityTag('"abc"')).toBe('"abc"')
    expect(entityTag('W/"abc"')).toBe('W/"abc"')
  })
})

describe('matchesIfNoneMatch', () => {
  it('compares weakly, in lists, and honours *', () => {
    expect(matchesIfNoneMatch('"abc"', '"abc"')).toBe(true)
    expect(matchesIfNoneMatch('W/"abc"', '"abc"')).toBe(true)
    expect(matchesIfNoneMatch('"x", "abc"', '"abc"')).toBe(true)
    expect(matchesIfNoneMatch('*', '"abc"')).toBe(true)
    expect(matchesIfNoneMatch('"abd"', '"abc"')).toBe(false)
    expect(matchesIfNoneMatch(undefined, '"abc"')).toBe(false)
  })
})
