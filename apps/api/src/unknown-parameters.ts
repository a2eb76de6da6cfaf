import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'

/** A route's own query check: an async preValidation hook (no `done` callback). */
type QueryCheck = (
  this: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<void>

import { ApiError } from './errors'

/** The routes whose query parameters are checked: the API's own, not the docs or the board. */
const CHECKED_PREFIX = '/v1/'

/** Long enough for any real name, short enough that a hostile one does not fill the message. */
const MAX_NAME_IN_MESSAGE = 64

/** Names the route that answered, so a near miss (`/v1/spot/ibkr/?symbols=`) shows which. */
function unknownParameter(name: string, route: string, allowed: readonly string[]): ApiError {
  const shown = name.length > MAX_NAME_IN_MESSAGE ? `${name.slice(0, MAX_NAME_IN_MESSAGE)}…` : name
  const takes = allowed.length === 0 ? 'takes no query parameters' : `takes ${allowed.join(', ')}`
  return new ApiError(
    'UNKNOWN_PARAMETER',
    `unknown query parameter "${shown}": this route (${route}) ${takes}`,
  )
}

/** The names a route's querystring schema declares; none without one. */
function declared(route: RouteOptions): string[] {
  const schema = route.schema?.querystring as { properties?: Record<string, unknown> } | undefined
  return Object.keys(schema?.properties ?? {})
}

/**
 * Every `/v1/` route answers 400 UNKNOWN_PARAMETER, naming it, for a query parameter its schema
 * does not declare: a misspelt `maxStalenes` or another API's `force_refresh` would otherwise
 * look as if it had worked. Call before the routes are registered; it hooks each one as it is.
 */
export function rejectUnknownParameters(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(CHECKED_PREFIX)) return
    const allowed = declared(route)
    const known = new Set(allowed)
    const unknown = (request: FastifyRequest) => {
      for (const name in request.query as Record<string, unknown>) {
        if (!known.has(name)) throw unknownParameter(name, route.url, allowed)
      }
    }
    // One hook for every query check of the route (each hook is a cost on every hit): this
    // one first, then the route's own (async ones, such as `plainQueryNumbers`), in order.
    const own = [route.preValidation ?? []].flat() as unknown as QueryCheck[]
    const check = async function checkQuery(
      this: FastifyInstance,
      request: FastifyRequest,
      reply: FastifyReply,
    ) {
      unknown(request)
      for (const hook of own) await hook.call(this, request, reply)
    }
    route.preValidation = check
  })
}
