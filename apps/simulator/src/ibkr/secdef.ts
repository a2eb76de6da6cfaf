import type { Answer } from '../gate'
import { OptionRight } from '../options/black-scholes'
import { MONTH_CODES } from '../options/expiries'
import type { OptionContract } from '../options/quotes'
import { param, type Query } from '../query'
import { type IbkrCatalog, type IbkrStock, maturityDate, optionConid } from './catalog'
import { ibkrError } from './failures'

/** Where US equity options trade, as the gateway lists them. */
const OPTION_EXCHANGES = [
  'SMART',
  'AMEX',
  'CBOE',
  'PHLX',
  'PSE',
  'ISE',
  'BOX',
  'BATS',
  'NASDAQOM',
  'CBOE2',
  'NASDAQBX',
  'MIAX',
  'GEMINI',
  'EDGX',
  'MERCURY',
  'PEARL',
  'EMERALD',
  'MEMX',
  'IBUSOPT',
]

/**
 * `GET /iserver/secdef/search?symbol=AAPL`: the stock and the months its options trade in.
 * An unknown symbol answers HTTP 200 `{"error":"No symbol found"}` rather than `[]`, as
 * client libraries report the gateway doing; a tolerant client handles both.
 */
export function searchAnswer(catalog: IbkrCatalog, query: Query, now: number): Answer {
  const symbol = param(query, 'symbol')
  if (symbol === undefined) return ibkrError(400, 'symbol is required')
  const secType = param(query, 'secType')?.toUpperCase() ?? 'STK'
  const stock = secType === 'STK' ? catalog.stockBySymbol(symbol) : undefined
  if (!stock) return { status: 200, body: { error: 'No symbol found' } }
  const { listing } = stock
  return {
    status: 200,
    body: [
      {
        conid: String(listing.conid),
        companyHeader: `${listing.companyName} - ${listing.exchange}`,
        companyName: listing.companyName,
        symbol: listing.symbol,
        description: listing.exchange,
        restricted: null,
        sections: [
          { secType: 'STK' },
          {
            secType: 'OPT',
            months: catalog.months(stock, now).join(';'),
            exchange: OPTION_EXCHANGES.join(';'),
          },
          { secType: 'BAG' },
        ],
      },
    ],
  }
}

/** `GET /iserver/secdef/strikes`: every strike listed in the month, for calls and puts. */
export function strikesAnswer(catalog: IbkrCatalog, query: Query, now: number): Answer {
  const target = monthTarget(catalog, query, now)
  if ('status' in target) return target
  const strikes = [...new Set(target.contracts.map((contract) => contract.strike))].sort(
    (a, b) => a - b,
  )
  return { status: 200, body: { call: strikes, put: [...strikes] } }
}

/**
 * `GET /iserver/secdef/info`: the contracts of one month, strike and right; a month with
 * weeklies gives one per maturity. Without `right`, both rights.
 */
export function infoAnswer(catalog: IbkrCatalog, query: Query, now: number): Answer {
  const target = monthTarget(catalog, query, now)
  if ('status' in target) return target
  const strikeText = param(query, 'strike')
  const strike = Number(strikeText)
  if (strikeText === undefined || !Number.isFinite(strike)) {
    return ibkrError(400, 'strike is required')
  }
  const right = param(query, 'right')?.toUpperCase()
  if (right !== undefined && right !== OptionRight.call && right !== OptionRight.put) {
    return ibkrError(400, `right must be C or P, got ${right}`)
  }
  const rows = target.contracts
    .filter((c) => c.strike === strike && (right === undefined || c.right === right))
    .map((contract) => infoRow(target.stock, contract))
  return { status: 200, body: rows }
}

function infoRow(stock: IbkrStock, contract: OptionContract) {
  const { symbol } = stock.listing
  const maturity = maturityDate(contract.expiry.at)
  const call = contract.right === OptionRight.call
  const month = MONTH_CODES[Number(maturity.slice(4, 6)) - 1]
  return {
    conid: optionConid(contract),
    symbol,
    secType: 'OPT',
    exchange: 'SMART',
    listingExchange: null,
    right: contract.right,
    strike: contract.strike,
    currency: 'USD',
    cusip: null,
    coupon: 'No Coupon',
    desc1: symbol,
    desc2: `(${symbol}) ${month} ${maturity.slice(6)} '${maturity.slice(2, 4)} ${contract.strike} ${call ? 'Call' : 'Put'}`,
    maturityDate: maturity,
    multiplier: '100',
    tradingClass: symbol,
    validExchanges: OPTION_EXCHANGES.join(','),
  }
}

/** Checks `conid`, `sectype` and `month`; the month's contracts or a 400. */
function monthTarget(
  catalog: IbkrCatalog,
  query: Query,
  now: number,
): { stock: IbkrStock; contracts: OptionContract[] } | Answer {
  const conid = param(query, 'conid')
  if (conid === undefined) return ibkrError(400, 'conid is required')
  const stock = catalog.stockByConid(conid)
  if (!stock) return ibkrError(400, `no option contracts for conid ${conid}`)
  const secType = param(query, 'sectype')?.toUpperCase()
  if (secType !== 'OPT') return ibkrError(400, 'sectype must be OPT')
  const month = param(query, 'month')?.toUpperCase()
  if (month === undefined) return ibkrError(400, 'month is required')
  const contracts = catalog.inMonth(stock, month, now)
  if (contracts.length === 0)
    return ibkrError(400, `no ${stock.listing.symbol} options in ${month}`)
  return { stock, contracts }
}
