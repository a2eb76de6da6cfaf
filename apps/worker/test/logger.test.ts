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
})
