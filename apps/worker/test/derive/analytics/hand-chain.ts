import type { OptionChain } from '@marketcache/shared/datasets/option-chain'

type Quote = NonNullable<OptionChain['expiries'][number]['strikes'][number]['call']>

function quote(
  symbol: string,
  q: { bid: number | null; ask: number | null; iv: number | null; delta: number | null },
  oi: number,
  volume: number,
): Quote {
  return {
    symbol,
    bid: q.bid,
    ask: q.ask,
    mark: null,
    iv: q.iv,
    delta: q.delta,
    gamma: null,
    vega: null,
    theta: null,
    open_interest: oi,
    volume,
  }
}

/** Spot S for the collars; the chain's underlying price is the same 100. */
export const S = 100

/**
 * A chain small enough to work out by hand. Underlying price 100.
 *
 * E1, 2099-01-31 (30 days)
 * | K   | call bid/ask | call iv, Δ | call OI, vol | put bid/ask  | put iv, Δ   | put OI, vol |
 * | 90  | 11 / 12      | .60, .80   | 10, 1        | 1 / 1.5      | .62, −.20   | 40, 8       |
 * | 100 | 4 / 4.5      | .50, .52   | 30, 6        | 4.2 / 4.8    | .52, −.48   | 20, 4       |
 * | 110 | 1 / 1.4      | .46, .22   | 50, 10       | 10.8 / 11.5  | .50, −.78   | 5, 0        |
 *
 * E2, 2099-03-02 (60 days)
 * | K   | call bid/ask | call iv, Δ | call OI, vol | put bid/ask  | put iv, Δ   | put OI, vol |
 * | 95  | (not listed) |            |              | — / 0.9      | .60, −.12   | 7, 2        |
 * | 105 | — / 2        | .50, .30   | 0, 0         | 5 / 5.5      | .52, −.66   | 3, 1        |
 * | 110 | 0.5 / 1      | .48, .18   | 0, 0         | (not listed) |             |             |
 */
export function handChain(): OptionChain {
  return {
    exchange: 'bybit',
    underlying: 'TEST',
    underlying_price: 100,
    as_of: '2099-01-01T08:00:00.000Z',
    expiries: [
      {
        expiry: '2099-01-31T08:00:00.000Z',
        days_to_expiry: 30,
        strikes: [
          {
            strike: 90,
            call: quote('E1-90-C', { bid: 11, ask: 12, iv: 0.6, delta: 0.8 }, 10, 1),
            put: quote('E1-90-P', { bid: 1, ask: 1.5, iv: 0.62, delta: -0.2 }, 40, 8),
          },
          {
            strike: 100,
            call: quote('E1-100-C', { bid: 4, ask: 4.5, iv: 0.5, delta: 0.52 }, 30, 6),
            put: quote('E1-100-P', { bid: 4.2, ask: 4.8, iv: 0.52, delta: -0.48 }, 20, 4),
          },
          {
            strike: 110,
            call: quote('E1-110-C', { bid: 1, ask: 1.4, iv: 0.46, delta: 0.22 }, 50, 10),
            put: quote('E1-110-P', { bid: 10.8, ask: 11.5, iv: 0.5, delta: -0.78 }, 5, 0),
          },
        ],
      },
      {
        expiry: '2099-03-02T08:00:00.000Z',
        days_to_expiry: 60,
        strikes: [
          {
            strike: 95,
            call: null,
            put: quote('E2-95-P', { bid: null, ask: 0.9, iv: 0.6, delta: -0.12 }, 7, 2),
          },
          {
            strike: 105,
            call: quote('E2-105-C', { bid: null, ask: 2, iv: 0.5, delta: 0.3 }, 0, 0),
            put: quote('E2-105-P', { bid: 5, ask: 5.5, iv: 0.52, delta: -0.66 }, 3, 1),
          },
          {
            strike: 110,
            call: quote('E2-110-C', { bid: 0.5, ask: 1, iv: 0.48, delta: 0.18 }, 0, 0),
            put: null,
          },
        ],
      },
    ],
  }
}
