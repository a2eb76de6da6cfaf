import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest, onRequestHookHandler } from 'fastify'
import type { ApiKey, Scope } from './api-keys'
import { ApiError } from './errors'

/** A configured key, kept only as a digest so every comparison has the same length. */
interface KnownKey {
  digest: Buffer
  scopes: readonly Scope[]
}

const sha256 = (value: string) => createHash('sha256').update(value).digest()

/** The key a request presents: `Authorization: Bearer <key>` first, else `X-API-Key`. */
export function presentedKey(request: Pick<FastifyRequest, 'headers'>): string | null {
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
 * The password of `Authorization: Basic` credentials (the user name is ignored): how a browser
 * sends the key to a page it prompted for. Null for any other scheme or a malformed value.
 */
export function basicPassword(request: FastifyRequest): string | null {
  const match = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(request.headers.authorization ?? '')
  if (!match?.[1]) return null
  const credentials = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = credentials.indexOf(':')
  return colon < 0 ? null : credentials.slice(colon + 1) || null
}

/** How a 401 asks for a key: the header, and how to send one. */
interface Challenge {
  header: string
  hint: string
}

const BEARER: Challenge = {
  header: 'Bearer realm="marketcache"',
  hint: 'send an API key as Authorization: Bearer <key> or X-API-Key: <key>',
}

/** A Basic challenge makes a browser prompt; the key goes in the password field. */
const BASIC: Challenge = {
  header: 'Basic realm="marketcache"',
  hint: 'sign in with the API key as the password (any user name), or send it as a Bearer token',
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
  keyIdOf(request: Pick<FastifyRequest, 'headers'>): string | null {
    const key = presentedKey(request)
    const known = key === null ? null : this.match(key)
    return known ? known.digest.toString('hex').slice(0, 16) : null
  }

  /** Throws 401 without a known key, 403 without `scope`. */
  check(request: FastifyRequest, scope: Scope): void {
    this.checkKey(presentedKey(request), scope, BEARER)
  }

  /**
   * `check` for pages a browser opens: Basic credentials carry the key too, and the 401 sends a
   * Basic challenge, so the browser prompts for it.
   */
  checkBrowser(request: FastifyRequest, scope: Scope): void {
    this.checkKey(basicPassword(request) ?? presentedKey(request), scope, BASIC)
  }

  /** Whether the request's key (Basic credentials included) has `scope`. */
  browserHas(request: FastifyRequest, scope: Scope): boolean {
    const key = basicPassword(request) ?? presentedKey(request)
    return key !== null && (this.scopesOf(key)?.includes(scope) ?? false)
  }

  /** An onRequest hook: `check`, before the body is parsed. */
  require(scope: Scope): onRequestHookHandler {
    return async (request) => this.check(request, scope)
  }

  private checkKey(key: string | null, scope: Scope, challenge: Challenge): void {
    const scopes = key === null ? null : this.scopesOf(key)
    if (scopes === null) {
      throw new ApiError(
        'UNAUTHORIZED',
        key === null ? challenge.hint : 'the API key is not recognised',
        { headers: { 'www-authenticate': challenge.header } },
      )
    }
    if (!scopes.includes(scope)) {
      throw new ApiError('FORBIDDEN', `this API key lacks the "${scope}" scope`)
    }
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
