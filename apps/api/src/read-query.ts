import { type Static, type TProperties, Type } from '@sinclair/typebox'
import type { ApiConfig } from './config'

/**
 * Query parameters every dataset read accepts, plus a route's own (`extra`). A pushed dataset's
 * read (`fills: false`) takes no `wait` or `fresh`: nothing fetches its entries.
 */
export function readQuerySchema<T extends TProperties = Record<never, never>>(
  config: ApiConfig,
  extra: T = {} as T,
  options: { fills?: boolean } = {},
) {
  const fills = {
    wait: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: config.readWaitMaxMs,
        description: `On a miss, how long to wait for the fetch, in ms (default ${config.readWaitMs}).`,
      }),
    ),
    fresh: Type.Optional(
      Type.Boolean({ description: 'Force a refresh now and wait for it, like a miss.' }),
    ),
  }
  return Type.Object({
    ...extra,
    ...(options.fills === false ? {} : fills),
    maxStaleness: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Seconds; older data counts as absent and is fetched (and waited for).',
      }),
    ),
  })
}
export type ReadQuery = Static<ReturnType<typeof readQuerySchema<Record<never, never>>>>
