import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig as loadApiConfig } from '@marketcache/api/config'
import { loadConfig as loadSimulatorConfig } from '@marketcache/simulator/config'
import { loadConfig as loadWorkerConfig } from '@marketcache/worker/config'
import { describe, expect, it } from 'vitest'
import {
  activeServices,
  type ComposeService,
  composeSchemaErrors,
  type Env,
  interpolate,
  readCompose,
  readDockerfile,
  readEnvFile,
  repoRoot,
} from './support/compose-file'

/**
 * Node.js majors in LTS that an image may use. 22 is in maintenance until 2027-04-30; 24 is the
 * active LTS the images use. Drop a major when it reaches its end of life.
 */
const SUPPORTED_NODE_LTS = [22, 24]

/** What an operator must provide: the compose file refuses to start without API keys. */
const OPERATOR: Env = { API_KEYS: 'compose-test-key-0001:write|admin' }
const MODES = {
  providers: OPERATOR,
  simulator: { ...OPERATOR, ...readEnvFile('docker-compose.sim.env') },
} as const

const raw = readCompose()
const composeIn = (mode: keyof typeof MODES) => interpolate(raw, MODES[mode])
const service = (mode: keyof typeof MODES, name: string): ComposeService => {
  const found = composeIn(mode).services[name]
  if (!found) throw new Error(`docker-compose.yml has no ${name} service`)
  return found
}
/** The container side of a `host:container` mapping. */
const containerPorts = (entry: ComposeService) =>
  (entry.ports ?? []).map((mapping) => Number(mapping.split(':').at(-1)))

/** The worker's own defaults point at a simulator on 127.0.0.1; compose must use the same paths. */
const PROVIDER_URLS = (() => {
  const defaults = loadWorkerConfig({})
  return {
    COINGECKO_BASE_URL: defaults.coingecko.baseUrl,
    BYBIT_BASE_URL: defaults.bybit.baseUrl,
    IBKR_BASE_URL: defaults.ibkr.baseUrl,
  }
})()

describe('docker-compose.yml', () => {
  it('is valid against the compose-spec schema, as written and as interpolated', () => {
    expect(composeSchemaErrors(raw)).toEqual([])
    for (const mode of Object.keys(MODES) as (keyof typeof MODES)[]) {
      expect(composeSchemaErrors(composeIn(mode)), mode).toEqual([])
    }
  })

  it('refuses to start without API_KEYS', () => {
    expect(() => interpolate(raw, {})).toThrow(/API_KEYS/)
  })

  it('in simulator mode, starts the simulator and points the worker at it', () => {
    const simEnv = MODES.simulator
    expect(activeServices(raw, simEnv)).toContain('simulator')
    const simulator = service('simulator', 'simulator')
    const origin = `http://simulator:${simulator.environment?.SIM_PORT}`
    const worker = service('simulator', 'worker').environment ?? {}
    for (const [name, local] of Object.entries(PROVIDER_URLS)) {
      const url = new URL(local)
      expect(url.host, `the worker's default ${name}`).toBe('127.0.0.1:4010')
      expect(worker[name], name).toBe(`${origin}${url.pathname.replace(/\/$/, '')}`)
    }
  })

  it('by default, leaves the simulator out and sends the worker to the real providers', () => {
    expect(activeServices(raw, MODES.providers)).not.toContain('simulator')
    const worker = service('providers', 'worker').environment ?? {}
    for (const name of Object.keys(PROVIDER_URLS)) {
      expect(new URL(worker[name]!).hostname, name).not.toMatch(/^(simulator|127\.0\.0\.1)$/)
    }
  })

  it.each(Object.keys(MODES) as (keyof typeof MODES)[])(
    'gives each app an environment its config accepts (%s)',
    (mode) => {
      const env = (name: string) => service(mode, name).environment ?? {}
      expect(loadApiConfig(env('api')).host).toBe('0.0.0.0')
      expect(() => loadWorkerConfig(env('worker'))).not.toThrow()
      expect(loadSimulatorConfig(env('simulator')).host).toBe('0.0.0.0')
    },
  )
})

describe('the Dockerfiles', () => {
  const built = Object.entries(raw.services).flatMap(([name, entry]) =>
    entry.build ? [{ name, entry, path: join(entry.build.context, entry.build.dockerfile) }] : [],
  )

  it('are the ones compose builds: one per app, each present', () => {
    const apps = readdirSync(join(repoRoot, 'apps')).filter((app) =>
      existsSync(join(repoRoot, 'apps', app, 'Dockerfile')),
    )
    expect(built.map(({ path }) => path).sort()).toEqual(
      apps.map((app) => join('apps', app, 'Dockerfile')).sort(),
    )
  })

  it.each(built.map(({ path }) => path))('%s builds on a supported Node.js LTS image', (path) => {
    const { images } = readDockerfile(path)
    expect(images.length).toBeGreaterThan(0)
    for (const image of images) {
      const major = /^node:(\d+)(?:[.-]|$)/.exec(image)?.[1]
      expect(SUPPORTED_NODE_LTS, image).toContain(Number(major))
    }
  })

  it('use one Node.js image across the apps', () => {
    const images = new Set(built.flatMap(({ path }) => readDockerfile(path).images))
    expect([...images]).toHaveLength(1)
  })

  it.each([
    ['api', 'API_PORT'],
    ['simulator', 'SIM_PORT'],
  ])(
    '%s: EXPOSE, the image env, compose env, ports and healthcheck agree on %s',
    (name, variable) => {
      const entry = service('simulator', name)
      const dockerfile = readDockerfile(built.find((b) => b.name === name)!.path)
      const port = Number(entry.environment?.[variable])
      expect(dockerfile.expose).toEqual([port])
      expect(Number(dockerfile.env[variable])).toBe(port)
      expect(containerPorts(entry)).toEqual([port])
      if (entry.healthcheck) expect(entry.healthcheck.test.join(' ')).toContain(`:${port}/`)
    },
  )
})
