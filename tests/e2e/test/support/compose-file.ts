import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Ajv, type ErrorObject } from 'ajv'
import { parse } from 'yaml'

/** The repository root: docker-compose.yml and every Dockerfile are relative to it. */
export const repoRoot = new URL('../../../../', import.meta.url).pathname

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8')

export type Env = Readonly<Record<string, string>>

export interface ComposeService {
  build?: { context: string; dockerfile: string }
  image?: string
  profiles?: string[]
  environment?: Record<string, string>
  ports?: string[]
  healthcheck?: { test: string[] }
}

export interface ComposeFile {
  services: Record<string, ComposeService>
  [key: string]: unknown
}

/**
 * Compose's interpolation of `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}`, `${VAR:+other}`, `${VAR+other}`, `$VAR` and `$$`, over every string of a value.
 */
export function interpolate<T>(value: T, env: Env): T {
  if (typeof value === 'string') return interpolateString(value, env) as T
  if (Array.isArray(value)) return value.map((item) => interpolate(item, env)) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolate(item, env)]),
    ) as T
  }
  return value
}

const VARIABLE =
  /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g

function interpolateString(text: string, env: Env): string {
  return text.replace(VARIABLE, (match, braced, colon, operator, argument, bare) => {
    if (match === '$$') return '$'
    const name: string = braced ?? bare
    const value = env[name]
    const set = colon === ':' ? value !== undefined && value !== '' : value !== undefined
    if (operator === '-') return set ? value! : argument
    if (operator === '+') return set ? argument : ''
    if (operator === '?' && !set) throw new Error(`${name}: ${argument}`)
    return value ?? ''
  })
}

/** `KEY=VALUE` lines of an env file, as compose reads them (no quotes or exports used here). */
export function readEnvFile(path: string): Env {
  const entries = read(path)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const at = line.indexOf('=')
      if (at < 1) throw new Error(`${path}: not KEY=VALUE: ${line}`)
      return [line.slice(0, at), line.slice(at + 1)] as const
    })
  return Object.fromEntries(entries)
}

export function readCompose(path = 'docker-compose.yml'): ComposeFile {
  return parse(read(path)) as ComposeFile
}

/**
 * Services compose starts for `env`: those without profiles, and those in a profile that
 * `COMPOSE_PROFILES` names.
 */
export function activeServices(compose: ComposeFile, env: Env): string[] {
  const profiles = (env.COMPOSE_PROFILES ?? '').split(',').filter(Boolean)
  return Object.entries(compose.services)
    .filter(
      ([, service]) => !service.profiles || service.profiles.some((p) => profiles.includes(p)),
    )
    .map(([name]) => name)
}

/**
 * The compose-spec schema as the `dclint` package ships it: `schemas/compose.schema.json`, its
 * copy of compose-spec's schema/compose-spec.json (Apache-2.0). The package exports only its
 * code, so the file is found beside its package.json.
 */
export function composeSchemaErrors(document: unknown): string[] {
  const manifest = createRequire(import.meta.url).resolve('dclint/package.json')
  const schema = JSON.parse(
    readFileSync(join(dirname(manifest), 'schemas/compose.schema.json'), 'utf8'),
  )
  // Draft-07; its `$schema` is the https spelling, which Ajv does not register.
  delete schema.$schema
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema)
  if (validate(document)) return []
  return (validate.errors ?? []).map(
    (error: ErrorObject) =>
      `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`,
  )
}

export interface Dockerfile {
  /** Base images (stage references such as `FROM base` left out). */
  images: string[]
  expose: number[]
  env: Record<string, string>
}

/** The instructions of a Dockerfile this test needs: FROM, EXPOSE and ENV. */
export function readDockerfile(path: string): Dockerfile {
  const lines = read(path)
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
  const stages: string[] = []
  const result: Dockerfile = { images: [], expose: [], env: {} }
  for (const line of lines) {
    const [instruction = '', ...args] = line.split(/\s+/)
    if (/^from$/i.test(instruction)) {
      const image = args.find((arg) => !arg.startsWith('--'))!
      if (!stages.includes(image)) result.images.push(image)
      const as = args.findIndex((arg) => /^as$/i.test(arg))
      if (as >= 0) stages.push(args[as + 1]!)
    }
    if (/^expose$/i.test(instruction))
      result.expose.push(...args.map((port) => Number.parseInt(port, 10)))
    if (/^env$/i.test(instruction)) {
      for (const pair of args) {
        const at = pair.indexOf('=')
        if (at > 0) result.env[pair.slice(0, at)] = pair.slice(at + 1)
      }
    }
  }
  return result
}
