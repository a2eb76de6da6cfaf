/** The Client Portal endpoints used: names of provider calls in counters, logs and errors. */
export const IbkrEndpoint = {
  search: '/iserver/secdef/search',
  strikes: '/iserver/secdef/strikes',
  info: '/iserver/secdef/info',
  snapshot: '/iserver/marketdata/snapshot',
  history: '/iserver/marketdata/history',
} as const
export type IbkrEndpoint = (typeof IbkrEndpoint)[keyof typeof IbkrEndpoint]
