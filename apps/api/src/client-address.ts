import type { IncomingMessage } from 'node:http'
import proxyAddr from '@fastify/proxy-addr'
import { ConfigError } from '@marketcache/shared/env'

/**
 * Which hops in front of the API may name the client in `X-Forwarded-For` (TRUST_PROXY): none
 * (the socket's peer is the client), every hop, the nearest N hops, or the hops whose addresses
 * are listed (addresses, CIDR ranges, or proxy-addr's `loopback`, `linklocal`, `uniquelocal`).
 */
export type TrustProxy =
  | { readonly kind: 'none' }
  | { readonly kind: 'all' }
  | { readonly kind: 'hops'; readonly hops: number }
  | { readonly kind: 'addresses'; readonly addresses: readonly string[] }

/** Whether the hop at `address`, `hop` steps from the API (0: the socket's peer), is trusted. */
export type Trust = (address: string, hop: number) => boolean

const MAX_HOPS = 32

const invalid = (value: string, why: string) =>
  new ConfigError(`invalid configuration:\n  TRUST_PROXY=${value}: ${why}`)

/** TRUST_PROXY's value; throws a ConfigError naming it and what it accepts. */
export function parseTrustProxy(raw: string): TrustProxy {
  const value = raw.trim()
  if (value === '' || value === 'false') return { kind: 'none' }
  if (value === 'true') return { kind: 'all' }
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    if (hops < 1 || hops > MAX_HOPS) {
      throw invalid(value, `a hop count must be 1 to ${MAX_HOPS}`)
    }
    return { kind: 'hops', hops }
  }
  const addresses = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  try {
    proxyAddr.compile(addresses)
  } catch (error) {
    throw invalid(
      value,
      `${(error as Error).message}; expected false, true, a hop count, or a comma-separated list of addresses, CIDR ranges, loopback, linklocal or uniquelocal`,
    )
  }
  return { kind: 'addresses', addresses: Object.freeze(addresses) }
}

/**
 * The trust function of a setting, or undefined when no proxy is trusted. The same function is
 * Fastify's `trustProxy` (its `request.ip`) and the hit fast lane's (`clientAddress`), so both
 * name a client alike.
 */
export function trustOf(setting: TrustProxy): Trust | undefined {
  switch (setting.kind) {
    case 'none':
      return undefined
    case 'all':
      return () => true
    case 'hops':
      return (_address, hop) => hop < setting.hops
    case 'addresses':
      return proxyAddr.compile([...setting.addresses])
  }
}

/** The client's address as Fastify's `request.ip` reports it under the same `trust`. */
export function clientAddress(request: IncomingMessage, trust: Trust | undefined): string {
  if (trust === undefined) return request.socket.remoteAddress ?? ''
  return proxyAddr(request, trust)
}
