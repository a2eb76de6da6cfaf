import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest, onRequestHookHandler } from 'fastify'
import type { ApiKey, Scope } from './config'
import { ApiError } from './errors'

/** A configured key, kept only as a digest so every comparison has the same length. */
interface KnownKey {
  digest: Buffer
  scopes: readonly Scope[]
}

const sha256 = (value: string) => createHash('sha256').update(value).digest()

/** The key a request presents: `Authorization: Bearer <key>` first, else `X-API-Key`. */
export function presentedKey(request: FastifyRequest): string | null {
  const authorization = request.headers.authorization
  if (authorization) {
    const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(authorization)
    return match?.[1] ?? null
  }
  const header = request.headers['x-api-key']
  const value = Array.isArray(header) ? header[0] : header
  return value?.trim() || null
}

/**
 * API-key authentication for commands. Reads are open. Comparisons take the same time whichever
 * key (if any) matches: fixed-length digests, timingSafeEqual, and no early exit from the loop.
 */
export class ApiKeyAuth {
  private readonly known: readonly KnownKey[]

  constructor(keys: readonly ApiKey[]) {
    this.known = keys.map((entry) => ({ digest: sha256(entry.key), scopes: entry.scopes }))
  }

  /** The scopes of the presented key, or null when it is unknown. */
  scopesOf(key: string): readonly Scope[] | null {
    return this.match(key)?.scopes ?? null
  }

  /**
   * A stable id of the configured key the request presents (a digest prefix, never the key), or
   * null without one: an unknown key is no identity, or a client could rotate made-up keys.
   */
  keyIdOf(request: FastifyRequest): string | null {
    const key = presentedKey(request)
    const known = key === null ? null : this.match(key)
    return known ? known.digest.toString('hex').slice(0, 16) : null
  }

  /** Throws 401 without a known key, 403 without `scope`. */
  check(request: FastifyRequest, scope: Scope): void {
    const key = presentedKey(request)
    const scopes = key === null ? null : this.scopesOf(key)
    if (scopes === null) {
      throw new ApiError(
        'UNAUTHORIZED',
        key === null
          ? 'send an API key as Authorization: Bearer <key> or X-API-Key: <key>'
          : 'the API key is not recognised',
        { headers: { 'www-authenticate': 'Bearer realm="marketcache"' } },
      )
    }
    if (!scopes.includes(scope)) {
      throw new ApiError('FORBIDDEN', `this API key lacks the "${scope}" scope`)
    }
  }

  /** An onRequest hook: `check`, before the body is parsed. */
  require(scope: Scope): onRequestHookHandler {
    return async (request) => this.check(request, scope)
  }

  private match(key: string): KnownKey | null {
    const digest = sha256(key)
    let match: KnownKey | null = null
    for (const known of this.known) {
      if (timingSafeEqual(known.digest, digest)) match = known
    }
    return match
  }
}
