import type { Answer, ProviderFailures } from '../gate'

const RATE_LIMIT_MESSAGE =
  "You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits."

/**
 * What Cloudflare in front of CoinGecko has sent instead of the JSON 429: an HTML "Error 1015"
 * page. Clients that blindly JSON.parse a 429 break on it, which is the point.
 */
const CLOUDFLARE_1015 = `<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<!--[if gt IE 8]><!--> <html class="no-js" lang="en-US"> <!--<![endif]-->
<head>
<title>Access denied | api.coingecko.com used Cloudflare to restrict access</title>
<meta charset="UTF-8" />
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="robots" content="noindex, nofollow" />
</head>
<body>
  <div id="cf-wrapper">
    <div id="cf-error-details" class="cf-error-details-wrapper">
      <div class="cf-wrapper cf-header cf-error-overview">
        <h1>
          <span class="cf-error-type" data-translate="error">Error</span>
          <span class="cf-error-code">1015</span>
          <small class="heading-ray-id">Ray ID: 8f3a1c2b4d5e6f70 &bull; Simulated</small>
        </h1>
        <h2 class="cf-subheadline" data-translate="error_desc">You are being rate limited</h2>
      </div>
      <section></section>
      <div class="cf-section cf-wrapper">
        <div class="cf-columns two">
          <div class="cf-column">
            <h2 data-translate="what_happened">What happened?</h2>
            <p>The owner of this website (api.coingecko.com) has banned you temporarily from accessing this website.</p>
          </div>
        </div>
      </div>
      <div class="cf-error-footer cf-wrapper w-240 lg:w-full py-10 sm:py-4 sm:px-8 mx-auto text-center sm:text-left border-solid border-0 border-t border-gray-300">
        <p class="text-13">
          <span class="cf-footer-item sm:block sm:mb-1">Cloudflare Ray ID: <strong class="font-semibold">8f3a1c2b4d5e6f70</strong></span>
          <span class="cf-footer-separator sm:hidden">&bull;</span>
          <span class="cf-footer-item sm:block sm:mb-1">Performance &amp; security by Cloudflare</span>
        </p>
      </div>
    </div>
  </div>
</body>
</html>
`

/** CoinGecko's 429: a JSON `status` envelope, or Cloudflare's HTML page when `html` is set. */
export function coingeckoRateLimited(retryAfterS: number, html: boolean): Answer {
  const retryAfter = String(retryAfterS)
  if (html) {
    return {
      status: 429,
      body: CLOUDFLARE_1015,
      headers: { 'content-type': 'text/html; charset=UTF-8', 'retry-after': retryAfter },
    }
  }
  return {
    status: 429,
    body: { status: { error_code: 429, error_message: RATE_LIMIT_MESSAGE } },
    headers: { 'retry-after': retryAfter },
  }
}

/** CoinGecko v3's failure dialect: JSON `status` envelopes. */
export const coingeckoFailures: ProviderFailures = {
  serverError(): Answer {
    return {
      status: 500,
      body: { status: { error_code: 500, error_message: 'Internal server error' } },
    }
  },

  misshapen,
}

const NOT_A_NUMBER = 'n/a'

/**
 * Valid JSON that a strict parser must reject: `/coins/{id}` loses `market_data`, market rows
 * simple prices and OHLC candles carry non-numeric strings where numbers belong.
 */
function misshapen(body: unknown): unknown {
  if (Array.isArray(body)) {
    // An empty page has no numbers to spoil, so the array itself becomes an object.
    if (body.length === 0) return {}
    // OHLC candles are arrays of numbers; spoil the numbers.
    if (body.every(Array.isArray)) return body.map((row) => row.map(() => NOT_A_NUMBER))
    return body.map((row) => ({
      ...row,
      current_price: NOT_A_NUMBER,
      market_cap: NOT_A_NUMBER,
      total_volume: NOT_A_NUMBER,
    }))
  }
  if (!isRecord(body)) return { unexpected: body }
  if ('market_data' in body) {
    const { market_data: _dropped, ...rest } = body
    return rest
  }
  if ('gecko_says' in body) return { gecko_says: null }
  // /simple/price: {bitcoin: {usd: 1, ...}} becomes {bitcoin: {usd: "n/a", ...}}.
  return Object.fromEntries(
    Object.entries(body).map(([id, entry]) => [
      id,
      isRecord(entry)
        ? Object.fromEntries(Object.keys(entry).map((key) => [key, NOT_A_NUMBER]))
        : NOT_A_NUMBER,
    ]),
  )
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
