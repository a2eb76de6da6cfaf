import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config'
import { captureLogger } from './support/capture-logger'

describe('createLogger', () => {
  it('redacts provider keys from configs and request headers', () => {
    const { logger, lines } = captureLogger('debug')
    const config = loadConfig({ COINGECKO_API_KEY: 'CG-very-secret' })
    logger.info({ config }, 'starting')
    logger.debug(
      { headers: { 'x-cg-demo-api-key': 'CG-very-secret', accept: 'application/json' } },
      'call',
    )
    logger.debug({ request: { headers: { 'x-cg-pro-api-key': 'CG-very-secret' } } }, 'nested call')
    logger.info({ apiKey: 'CG-very-secret' }, 'bare')

    const output = lines.join('\n')
    expect(output).not.toContain('CG-very-secret')
    expect(lines).toHaveLength(4)
    for (const line of lines) expect(line).toContain('[redacted]')
    expect(output).toContain('application/json')
  })

  it('logs a failed Redis command without its arguments (AUTH carries the password)', () => {
    const capture = captureLogger('debug')
    const error = Object.assign(new Error('WRONGPASS invalid username-password pair'), {
      command: { name: 'auth', args: ['default', 'hunter2-secret'] },
      cause: Object.assign(new Error('connect to redis://:hunter2-secret@10.0.0.5:6379'), {
        args: ['hunter2-secret'],
      }),
    })
    capture.logger.error({ err: error }, 'redis error')
    capture.logger.error(error)
    const output = capture.lines.join('\n')
    expect(capture.lines).toHaveLength(2)
    expect(output).not.toContain('hunter2-secret')
    expect(output).toContain('WRONGPASS')
    expect(capture.records[0]?.err).toMatchObject({ command: 'auth' })
  })
})
