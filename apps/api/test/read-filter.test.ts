import { describe, expect, it } from 'vitest'
import { entityTag } from '../src/http-cache'
import { canonicalFilterKey, variantEntityTag } from '../src/read-filter'

describe('canonicalFilterKey', () => {
  it('sorts by name and leaves out unset filters', () => {
    expect(canonicalFilterKey({ right: 'put', maxDays: 30, expiry: undefined, minDays: 0 })).toBe(
      'maxDays=30&minDays=0&right=put',
    )
    expect(canonicalFilterKey({})).toBe('')
  })
})

describe('variantEntityTag', () => {
  it('is a weak tag carrying the stored version, however the worker quoted it', () => {
    const tags = ['abc123', '"abc123"', 'W/"abc123"'].map((etag) =>
      variantEntityTag(entityTag(etag), 'right=call'),
    )
    expect(new Set(tags).size).toBe(1)
    expect(tags[0]).toMatch(/^W\/"abc123-[0-9a-f]{12}"$/)
  })

  it('differs per filter set and per stored version', () => {
    const tag = variantEntityTag('"v1"', 'right=call')
    expect(variantEntityTag('"v1"', 'right=put')).not.toBe(tag)
    expect(variantEntityTag('"v2"', 'right=call')).not.toBe(tag)
    expect(variantEntityTag('"v1"', 'right=call')).toBe(tag)
  })
})
