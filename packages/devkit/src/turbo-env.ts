import { readFileSync } from 'node:fs'

type Env = Record<string, string | undefined>

/**
 * The variable names a config loader reads from the environment it is handed: every property it
 * looks up, recorded by a proxy that answers "unset" to each, so the loader runs on its defaults.
 */
export function variablesReadBy(load: (env: Env) => unknown): string[] {
  const read = new Set<string>()
  const env = new Proxy({} as Env, {
    get(_target, name) {
      if (typeof name === 'string') read.add(name)
      return undefined
    },
    has(_target, name) {
      if (typeof name === 'string') read.add(name)
      return false
    },
  })
  load(env)
  return [...read].sort()
}

/** The environment variables a module reads by name in its source (devkit's own config). */
export function variablesInSource(path: URL): string[] {
  const source = readFileSync(path, 'utf8')
  return [
    ...new Set([...source.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] ?? '')),
  ]
}

/** turbo.json's env entries: names, or globs where `*` stands for any run of characters. */
function turboEnvPatterns(): RegExp[] {
  const turbo = JSON.parse(
    readFileSync(new URL('../../../turbo.json', import.meta.url), 'utf8'),
  ) as {
    globalEnv?: string[]
    globalPassThroughEnv?: string[]
  }
  return [...(turbo.globalEnv ?? []), ...(turbo.globalPassThroughEnv ?? [])].map(
    (entry) => new RegExp(`^${entry.split('*').map(escapeRegExp).join('.*')}$`),
  )
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The names turbo.json does not list. Turbo's strict env mode hides such a variable from every
 * task, so a setting would silently fall back to its default under `pnpm test`.
 */
export function notInTurboEnv(names: readonly string[]): string[] {
  const patterns = turboEnvPatterns()
  return names.filter((name) => !patterns.some((pattern) => pattern.test(name)))
}
