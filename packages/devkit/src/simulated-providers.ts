/**
 * Each provider's base URL on a market simulator at `origin` (`http://host:port`), at its wire
 * format's path: what a worker pointed at the simulator is configured with.
 */
export function simulatedProviderUrls(origin: string) {
  return {
    COINGECKO_BASE_URL: `${origin}/api/v3`,
    BYBIT_BASE_URL: origin,
    IBKR_BASE_URL: `${origin}/v1/api`,
  }
}
