import { Type } from '@sinclair/typebox'

/**
 * Schema pieces the env modules share (`config.ts` and each provider's `config.ts`). Nothing here
 * reads process.env: `loadConfig` in config.ts is the only module that does.
 */

export const HttpUrl = (defaultValue: string) =>
  Type.String({ pattern: '^https?://', default: defaultValue })
export const Count = (defaultValue: number) => Type.Integer({ minimum: 1, default: defaultValue })
/** A key or queue prefix; may carry a Redis Cluster hash tag such as `{mc}`. */
export const Prefix = (defaultValue: string) =>
  Type.String({ pattern: '^(\\{[A-Za-z0-9._-]+\\}|[A-Za-z0-9._-]+)$', default: defaultValue })

/** A base URL as clients join paths onto it: without trailing slashes. */
export const baseUrlOf = (url: string) => url.replace(/\/+$/, '')

/** Where an HTTP provider is and how hard it may be called. */
export interface ProviderHttpConfig {
  readonly baseUrl: string
  /** BullMQ limiter for the queue, shared by every replica: `max` jobs per `duration` ms. */
  readonly limiter: { readonly max: number; readonly duration: number }
  readonly timeoutMs: number
  /** Jobs one replica runs at once on this queue. */
  readonly concurrency: number
}
