import { describe, expect, it } from 'vitest'
import { ApiKeyAuth } from '../src/auth'
import { parseApiKeys } from '../src/config'

describe('ApiKeyAuth', () => {
  const auth = new ApiKeyAuth(
    parseApiKeys('writer-key-000000001:write,admin-key-0000000002:write|admin'),
  )

  it('finds the scopes of a known key', () => {
    expect(auth.scopesOf('writer-key-000000001')).toEqual(['write'])
    expect(auth.scopesOf('admin-key-0000000002')).toEqual(['write', 'admin'])
  })

  it('knows no other key, including prefixes and extensions of known ones', () => {
    expect(auth.scopesOf('writer-key-00000000')).toBeNull()
    expect(auth.scopesOf('writer-key-0000000011')).toBeNull()
    expect(auth.scopesOf('')).toBeNull()
  })

  it('accepts nothing when no key is configured', () => {
    expect(new ApiKeyAuth([]).scopesOf('writer-key-000000001')).toBeNull()
  })
})
