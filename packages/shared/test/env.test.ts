import { Type } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { ConfigError, parseEnv } from '../src/env'

const schema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3000 }),
  NAME: Type.String({ default: 'mc' }),
  ENABLED: Type.Boolean({ default: false }),
  LEVEL: Type.Union([Type.Literal('info'), Type.Literal('warn')], { default: 'info' }),
  WORKERS: Type.Integer({ minimum: 1, default: 1 }),
})

describe('parseEnv', () => {
  it('applies defaults and converts strings', () => {
    expect(parseEnv(schema, {})).toEqual({
      PORT: 3000,
      NAME: 'mc',
      ENABLED: false,
      LEVEL: 'info',
      WORKERS: 1,
    })
    expect(parseEnv(schema, { PORT: '8080', ENABLED: 'true', OTHER: 'ignored' })).toEqual({
      PORT: 8080,
      NAME: 'mc',
      ENABLED: true,
      LEVEL: 'info',
      WORKERS: 1,
    })
  })

  it('fails naming the variable and its value', () => {
    expect(() => parseEnv(schema, { PORT: 'eighty' })).toThrow(ConfigError)
    expect(() => parseEnv(schema, { PORT: '70000' })).toThrow(/PORT="70000"/)
  })

  it('says what each bad variable allows', () => {
    const message = (env: Record<string, string>) => {
      try {
        parseEnv(schema, env)
      } catch (error) {
        return (error as Error).message
      }
      throw new Error('no error')
    }
    expect(message({ LEVEL: 'loud' })).toContain('LEVEL="loud": expected one of info, warn')
    expect(message({ ENABLED: 'yes please' })).toContain(
      'ENABLED="yes please": expected true or false',
    )
    expect(message({ PORT: '0' })).toContain('PORT="0": expected an integer from 1 to 65535')
    expect(message({ WORKERS: 'many' })).toContain(
      'WORKERS="many": expected an integer of at least 1',
    )
  })
})
