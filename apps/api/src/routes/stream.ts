import { PassThrough, type Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { errorResponses } from '../errors'
import type { ApiMetrics } from '../metrics'
import { NoSecurity, Tag } from '../openapi'
import type { ApiServices } from '../services'
import { lastSeen, RESUME_MARGIN_MS } from '../stream-events'
import { StreamHub } from '../stream-hub'
import { STREAM_MAX_KEYS, StreamQuery, streamSelection } from '../stream-selection'

/** How soon an EventSource reconnects after the stream ends (its own default is about 3 s). */
const RECONNECT_MS = 1000

/** Sent as a stream of text; typed so, as the handler sends it. */
const EventStream = Type.Unsafe<Readable>({
  type: 'string',
  description:
    'Server-Sent Events. Each version of a selected entry is one event: `id: <fetchedAt>-<etag>`, ' +
    '`event: <dataset>`, `data: {"dataset","params","asOf","fetchedAt","freshUntil","etag","value"}` ' +
    '(times ISO 8601, `value` as stored). Comment lines (`: heartbeat`) keep proxies open.',
})

/** `GET /v1/stream`: new versions of the selected entries as the worker writes them (SSE). */
export const streamRoutes: FastifyPluginAsyncTypebox<{
  services: ApiServices
  metrics: ApiMetrics
}> = async (app, { services, metrics }) => {
  const hub = new StreamHub(services, services.config.stream, app.log)
  metrics.watchStream(hub)
  // Open streams would keep the server from closing: they end first (clients reconnect elsewhere).
  app.addHook('preClose', async () => hub.close())
  app.get(
    '/v1/stream',
    {
      // Events go out as they are written: a compressor would hold them back.
      compress: false,
      decompress: false,
      schema: {
        operationId: 'streamEntries',
        tags: [Tag.stream],
        summary: 'Live updates of entries, as the worker writes them (Server-Sent Events)',
        description:
          `Select up to ${STREAM_MAX_KEYS} entries with \`keys\`, one with \`dataset\` and its ` +
          'params, or every signal of a symbol with `dataset=signal&symbol=`. The stream starts ' +
          'with the current version of each selected entry (oldest first), then sends each new ' +
          'version as it is written; deletions are not sent. A reconnect with `Last-Event-ID` ' +
          'sends only the versions written since that event (those within ' +
          `${RESUME_MARGIN_MS} ms before it may come again, with the same id): nothing still ` +
          'cached is missed. A client too slow to read is dropped and resumes the same way. ' +
          'Streams per API process are bounded (STREAM_MAX_SUBSCRIBERS); the rate limit counts ' +
          'the connection, not its events.',
        security: NoSecurity,
        querystring: StreamQuery,
        headers: Type.Object({
          'last-event-id': Type.Optional(
            Type.String({ description: 'The id of the last event received: resume after it.' }),
          ),
        }),
        response: {
          200: {
            description: 'The event stream; it ends only when the client or the server closes it.',
            content: { 'text/event-stream': { schema: EventStream } },
          },
          ...errorResponses([
            'INVALID_PARAMS',
            'UNKNOWN_PARAMETER',
            'RATE_LIMITED',
            'OVERLOADED',
            'BACKEND_UNAVAILABLE',
          ]),
        },
      },
    },
    async (request, reply) => {
      const selection = streamSelection(request.query, services.keys)
      const seen = lastSeen(request.headers['last-event-id'])
      const out = new PassThrough()
      out.write(`retry: ${RECONNECT_MS}\n\n`)
      const { socket } = request.raw
      const close = await hub.open(selection, seen, out, () => socket.destroy())
      // A stream never ends by itself: once the response closes, so does its socket (a client
      // that only half-closed would otherwise hold it open).
      reply.raw.on('close', () => {
        close()
        socket.destroy()
      })
      // The client may have gone while the catch-up was read.
      if (socket.destroyed) close()
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-accel-buffering', 'no')
        .send(out)
    },
  )
}
