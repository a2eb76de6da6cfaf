import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config'
import { ConfigError } from '../src/errors'

describe('loadConfig', () => {
  it('falls back to defaults for unset or empty variables', () => {
    const config = loadConfig({ SIM_PORT: '', PATH: '/usr/bin' })

    expect(config).toEqual({
      port: 4010,
      host: '127.0.0.1',
      seed: 42,
      coins: 300,
      latencyMs: 150,
      quotaPerWindow: 30,
      quotaWindowMs: 60_000,
      tickMs: 10_000,
      faults: {
        errorRate: 0,
        malformedRate: 0,
        malformedKind: 'truncated',
        slowRate: 0,
        slowMs: 3_000,
        html429: false,
      },
      bybit: { rateLimitPerSecond: 20, omitResetHeader: false, ipLimitPer5s: 600, banMs: 600_000 },
      ibkr: { pacingPerSecond: 10, authenticated: true },
      logLevel: 'info',
    })
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.faults)).toBe(true)
  })

  it('reads every variable', () => {
    const config = loadConfig({
      SIM_PORT: '5020',
      SIM_HOST: '0.0.0.0',
      SIM_SEED: '-7',
      SIM_COINS: '5300',
      SIM_LATENCY_MS: '0',
      SIM_QUOTA_PER_WINDOW: '0',
      SIM_QUOTA_WINDOW_MS: '1000',
      SIM_TICK_MS: '500',
      SIM_ERROR_RATE: '0.1',
      SIM_MALFORMED_RATE: '1',
      SIM_MALFORMED_KIND: 'shape',
      SIM_SLOW_RATE: '.5',
      SIM_SLOW_MS: '250',
      SIM_HTML_429: 'true',
      SIM_BYBIT_RATE_LIMIT_PER_SECOND: '5',
      SIM_BYBIT_OMIT_RESET_HEADER: '1',
      SIM_BYBIT_IP_LIMIT_PER_5S: '50',
      SIM_BYBIT_BAN_MS: '2000',
      SIM_IBKR_PACING_PER_SECOND: '0',
      SIM_IBKR_AUTHENTICATED: 'false',
      LOG_LEVEL: 'warn',
    })

    expect(config).toEqual({
      port: 5020,
      host: '0.0.0.0',
      seed: -7,
      coins: 5_300,
      latencyMs: 0,
      quotaPerWindow: 0,
      quotaWindowMs: 1_000,
      tickMs: 500,
      faults: {
        errorRate: 0.1,
        malformedRate: 1,
        malformedKind: 'shape',
        slowRate: 0.5,
        slowMs: 250,
        html429: true,
      },
      bybit: { rateLimitPerSecond: 5, omitResetHeader: true, ipLimitPer5s: 50, banMs: 2_000 },
      ibkr: { pacingPerSecond: 0, authenticated: false },
      logLevel: 'warn',
    })
  })

  it.each([
    ['SIM_PORT', '70000'],
    ['SIM_PORT', 'http'],
    ['SIM_SEED', '4.2'],
    ['SIM_COINS', '49'],
    ['SIM_COINS', '20001'],
    ['SIM_COINS', '1e4'],
    ['SIM_COINS', 'many'],
    ['SIM_LATENCY_MS', '-1'],
    ['SIM_TICK_MS', '0'],
    ['SIM_ERROR_RATE', '1.5'],
    ['SIM_MALFORMED_RATE', 'often'],
    ['SIM_MALFORMED_KIND', 'garbled'],
    ['SIM_HTML_429', 'yes'],
    ['SIM_BYBIT_RATE_LIMIT_PER_SECOND', '-1'],
    ['SIM_BYBIT_OMIT_RESET_HEADER', 'maybe'],
    ['SIM_BYBIT_IP_LIMIT_PER_5S', 'lots'],
    ['SIM_BYBIT_BAN_MS', '1.5'],
    ['SIM_IBKR_PACING_PER_SECOND', '-3'],
    ['SIM_IBKR_AUTHENTICATED', 'yes'],
    ['LOG_LEVEL', 'verbose'],
  ])('fails naming %s when it is %j', (name, value) => {
    const load = () => loadConfig({ [name]: value })

    expect(load).toThrow(ConfigError)
    expect(load).toThrow(new RegExp(`^${name} must be .*, got "${value}"$`))
  })

  it('reads SIM_COINS from 50 to 20000', () => {
    expect(loadConfig({ SIM_COINS: '50' }).coins).toBe(50)
    expect(loadConfig({ SIM_COINS: ' 20000 ' }).coins).toBe(20_000)
    expect(() => loadConfig({ SIM_COINS: '49' })).toThrow(
      'SIM_COINS must be an integer from 50 to 20000, got "49"',
    )
  })

  it('rejects unknown SIM_ variables, which are most likely typos', () => {
    expect(() => loadConfig({ SIM_LATENCY: '10' })).toThrow(/unknown variable SIM_LATENCY/)
    expect(() => loadConfig({ SIM_COIN: '1000' })).toThrow(/unknown variable SIM_COIN\b/)
  })
})
