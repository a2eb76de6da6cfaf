import { describe, expect, it } from 'vitest'
import { redactUrl, redactUrlsIn, safeSerializedError } from '../src/log-safety'

describe('redactUrl', () => {
  it('replaces the password and keeps the rest', () => {
    expect(redactUrl('redis://app:pw-123@10.0.0.5:6379/2')).toBe('redis://app:***@10.0.0.5:6379/2')
    expect(redactUrl('rediss://:pw-123@cache.example:6380')).toBe(
      'rediss://:***@cache.example:6380',
    )
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379')
  })

  it('redacts URLs inside a text too', () => {
    expect(redactUrlsIn('connect redis://u:pw-123@h:1 failed')).toBe(
      'connect redis://u:***@h:1 failed',
    )
  })
})

describe('safeSerializedError', () => {
  it('drops command arguments, keeps the command name, and treats causes alike', () => {
    const safe = safeSerializedError({
      type: 'ReplyError',
      message: 'WRONGPASS invalid username-password pair',
      command: { name: 'auth', args: ['pw-123'] },
      cause: { message: 'at redis://:pw-123@h:1', args: ['pw-123'] },
    })
    expect(JSON.stringify(safe)).not.toContain('pw-123')
    expect(safe).toMatchObject({
      command: 'auth',
      message: 'WRONGPASS invalid username-password pair',
    })
  })
})
