import { ConfigError } from '@marketcache/shared/env'

/** What an API key may do beyond reading. */
export const Scope = { write: 'write', admin: 'admin' } as const
export type Scope = (typeof Scope)[keyof typeof Scope]

export interface ApiKey {
  readonly key: string
  readonly scopes: readonly Scope[]
}

const API_KEY = /^[A-Za-z0-9_-]{16,}$/

/** `k1:write|admin,k2:write` → keys with scopes; throws a ConfigError naming API_KEYS. */
export function parseApiKeys(raw: string): ApiKey[] {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  const seen = new Set<string>()
  return entries.map((entry, index) => {
    const [key = '', scopeList = '', ...rest] = entry.split(':')
    const where = `API_KEYS entry ${index + 1}`
    if (!API_KEY.test(key)) {
      throw new ConfigError(
        `${where}: the key must be at least 16 characters of A-Z, a-z, 0-9, _ or -`,
      )
    }
    if (rest.length > 0 || scopeList === '') {
      throw new ConfigError(`${where}: expected key:scope|scope, e.g. <key>:write|admin`)
    }
    if (seen.has(key)) throw new ConfigError(`${where}: the key is listed twice`)
    seen.add(key)
    const scopes = scopeList.split('|').map((scope) => {
      if (!Object.hasOwn(Scope, scope)) {
        throw new ConfigError(
          `${where}: unknown scope "${scope}" (known: ${Object.keys(Scope).join(', ')})`,
        )
      }
      return scope as Scope
    })
    return Object.freeze({ key, scopes: Object.freeze([...new Set(scopes)]) })
  })
}
