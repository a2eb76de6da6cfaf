/** Every upstream marketcache talks to. The simulator speaks all of their wire formats. */
export const Provider = {
  coingecko: 'coingecko',
  bybit: 'bybit',
  ibkr: 'ibkr',
} as const
export type ProviderName = (typeof Provider)[keyof typeof Provider]
