/** Markets whose trading hours marketcache knows (the `market-status` dataset). */
export const Market = { crypto: 'crypto', usEquities: 'us-equities' } as const
export type Market = (typeof Market)[keyof typeof Market]
