import { Type } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { ConfigError, parseEnv } from '../src/env'

const schema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3000 }),
  NAME: Type.String({ default: 'mc' }),
  ENABLED: Type.Boolean({ default: false }),
})

describe('parseEnv', () => {
  it('applies defaults and converts strings', () => {
    expect(parseEnv(schema, {})).toEqual({ PORT: 3000, NAME: 'mc', ENABLED: false })
    expect(parseEnv(schema, { PORT: '8080', ENABLED: 'true', OTHER: 'ignored' })).toEqual({
      PORT: 8080,
      NAME: 'mc',
      ENABLED: true,
    })
  })

  it('fails naming the variable and its value', () => {
    expect(() => parseEnv(schema, { PORT: 'eighty' })).toThrow(ConfigError)
    expect(() => parseEnv(schema, { PORT: '70000' })).toThrow(/PORT="70000"/)
  })
})
