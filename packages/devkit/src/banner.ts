/**
 * What `pnpm start` prints. Every URL goes through `redactUrl`: a Redis or provider URL may carry
 * a password, and terminals end up in screenshots and CI logs.
 */
import { redactUrl } from '@marketcache/shared/log-safety'

/** The line that says which Redis the stack uses. */
export function redisLine(redis: { url: string; started: boolean; cluster?: boolean }): string {
  const url = redactUrl(redis.url)
  const what = redis.cluster ? 'Redis Cluster' : 'Redis'
  return redis.started ? `started a private ${what} at ${url}` : `using ${what} at ${url}`
}

/** The banner printed once everything answers. */
export function banner(at: {
  api: string
  sim: string
  upstreams: Record<string, string>
  devKey: string
  /** API keys came from API_KEYS: the banner says so instead of printing them. */
  apiKeysFromEnv: boolean
}): string {
  const { api, sim, upstreams, devKey } = at
  return [
    '',
    'marketcache is running',
    `  API        ${api}`,
    `  API docs   ${api}/docs`,
    ...Object.entries(upstreams).map(
      ([name, url]) =>
        `  ${name.split('_')[0]?.toLowerCase().padEnd(10)} ${redactUrl(url)}${url.startsWith(sim) ? ' (simulator)' : ''}`,
    ),
    at.apiKeysFromEnv
      ? '  API keys   from API_KEYS'
      : `  dev key    ${devKey}  (scopes: write, admin)`,
    '',
    `  curl -i ${api}/v1/coins/bitcoin`,
    `  curl -i ${api}/v1/options/bybit/BTC/chain?maxDays=7`,
    '',
    'Ctrl-C stops everything.',
  ].join('\n')
}
