import { type MarketSnapshot, VS_CURRENCIES, type VsCurrency } from './market'

/** CoinGecko-like precision: prices to 8 significant digits. */
export function price(value: number): number {
  return Number(value.toPrecision(8))
}

/** Market caps and volumes: whole units when large (as CoinGecko sends them), else 8 digits. */
export function amount(value: number): number {
  return Math.abs(value) >= 10_000 ? Math.round(value) : Number(value.toPrecision(8))
}

export function percent(value: number): number {
  return Number(value.toFixed(5))
}

/** Percent change from `before` to `now`. */
export function changePercent(now: number, before: number): number {
  return percent((now / before - 1) * 100)
}

/** A USD value in one quote currency. */
export function convert(snapshot: MarketSnapshot, usd: number, currency: VsCurrency): number {
  return usd * snapshot.perUsd[currency]
}

/** A currency map such as `current_price: {usd, eur, ...}` in `/coins/{id}`. */
export function currencyMap(
  snapshot: MarketSnapshot,
  usd: number,
  round: (value: number) => number,
): Record<VsCurrency, number> {
  const map = {} as Record<VsCurrency, number>
  for (const currency of VS_CURRENCIES) map[currency] = round(convert(snapshot, usd, currency))
  return map
}

/** The same value under every currency, e.g. `ath_date` or `ath_change_percentage`. */
export function sameForEach<T>(value: T): Record<VsCurrency, T> {
  return Object.fromEntries(VS_CURRENCIES.map((currency) => [currency, value])) as Record<
    VsCurrency,
    T
  >
}

/** `roi` as CoinGecko shows it for coins with a priced launch. */
export function roi(
  priceUsd: number,
  icoPriceUsd: number | null,
): { times: number; currency: 'usd'; percentage: number } | null {
  if (icoPriceUsd === null) return null
  const times = priceUsd / icoPriceUsd - 1
  return { times: percent(times), currency: 'usd', percentage: percent(times * 100) }
}

export function imageUrl(coinId: string, size: 'thumb' | 'small' | 'large'): string {
  // `.invalid` is reserved (RFC 2606): a plausible URL that can never leak a request.
  return `https://images.marketcache.invalid/coins/${size}/${coinId}.png`
}
