import type { FastifyRequest } from 'fastify'
import { describe, expect, it } from 'vitest'
import { parseApiKeys } from '../src/api-keys'
import { ApiKeyAuth, basicPassword } from '../src/auth'

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

describe('basicPassword', () => {
  const request = (authorization?: string) =>
    ({ headers: authorization === undefined ? {} : { authorization } }) as FastifyRequest
  const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`

  it('is the password of Basic credentials, whatever the user name', () => {
    expect(basicPassword(request(basic('operator:admin-key-0000000002')))).toBe(
      'admin-key-0000000002',
    )
    expect(basicPassword(request(basic(':admin-key-0000000002')))).toBe('admin-key-0000000002')
    expect(basicPassword(request(`basic  ${Buffer.from('a:b:c').toString('base64')}`))).toBe('b:c')
  })

  it('is null without Basic credentials, or with ones that carry no password', () => {
    expect(basicPassword(request())).toBeNull()
    expect(basicPassword(request('Bearer admin-key-0000000002'))).toBeNull()
    expect(basicPassword(request(basic('no-colon-here')))).toBeNull()
    expect(basicPassword(request(basic('user:')))).toBeNull()
    expect(basicPassword(request('Basic not base64!'))).toBeNull()
  })
})
