import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { FastifyAdapter } from '@bull-board/fastify'
import type { QueueName } from '@marketcache/shared/jobs'
import type { Queue } from 'bullmq'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { Scope } from '../api-keys'
import type { ApiKeyAuth } from '../auth'
import { sendError } from '../error-handler'
import { ApiError } from '../errors'

/** Where the board lives: its page, its JSON API and its static assets are all under this path. */
export const QUEUE_BOARD_PATH = '/admin/queues'

/** The methods that only read; the board's actions use the others. */
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * A browser sends the Basic credentials it remembers with other sites' requests too, so actions
 * are taken only from the board's own page, or from clients that are not browsers (which send no
 * Sec-Fetch-Site).
 */
function refuseCrossSite(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site']
  if (READ_METHODS.has(request.method) || site === undefined) return
  if (site === 'same-origin' || site === 'none') return
  throw new ApiError('FORBIDDEN', 'the queue board takes actions only from its own page')
}

/**
 * bull-board at `/admin/queues`: every queue the API enqueues on, through the Queue handles it
 * already holds (no connection of its own). It needs a key with the admin scope, which a browser
 * sends as the Basic password it prompts for; Bearer and X-API-Key work too. Its routes are
 * hidden from the OpenAPI document: they are bull-board's, not this API's.
 */
export const queueBoardRoutes: FastifyPluginAsync<{
  queues: Readonly<Record<QueueName, Queue>>
  auth: ApiKeyAuth
}> = async (app, { queues, auth }) => {
  // Added in this context before the board registers, so it runs first on each of its routes:
  // pages, API calls and assets alike.
  app.addHook('onRequest', async (request, reply) => {
    try {
      auth.checkBrowser(request, Scope.admin)
      refuseCrossSite(request)
    } catch (error) {
      // Sent here: the board's routes answer errors with bull-board's handler, not ours.
      if (error instanceof ApiError) return sendError(reply, error)
      throw error
    }
  })
  // Job payloads and queue state are live data: no browser or proxy keeps a copy.
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
  })

  const board = new FastifyAdapter()
  board.setBasePath(QUEUE_BOARD_PATH)
  createBullBoard({
    queues: Object.values(queues).map((queue) => new BullMQAdapter(queue)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'marketcache' } },
  })
  await app.register(board.registerPlugin(), { prefix: QUEUE_BOARD_PATH })
}
