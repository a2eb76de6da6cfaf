import { once } from 'node:events'
import { type AddressInfo, connect, createServer, type Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { beforeAll, describe, expect, it } from 'vitest'
import { clientError } from '../src/error-handler'
import { useTestApp } from './fixtures/test-app'

/** Writes `raw` on a new connection to `port` and reads until the server closes it. */
async function exchange(port: number, raw: string): Promise<string> {
  const socket = connect(port, '127.0.0.1')
  let answer = ''
  socket.on('data', (chunk: Buffer) => {
    answer += chunk.toString()
  })
  // The server may close before all of `raw` is written (that is the point): ignore EPIPE.
  socket.on('error', () => {})
  socket.write(raw)
  await once(socket, 'close')
  return answer
}

/** The status line and the JSON body of a raw HTTP/1.1 answer. */
function parsed(answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n')
  return { status: head.split('\r\n')[0], head: head.toLowerCase(), json: JSON.parse(body) }
}

/** A refusal in the one error shape, on a connection the server closes. */
function expectRefused(
  answer: ReturnType<typeof parsed>,
  statusCode: number,
  error: string,
  rest: { code: string; message: string },
) {
  expect(answer.status).toBe(`HTTP/1.1 ${statusCode} ${error}`)
  expect(answer.head).toContain('content-type: application/json; charset=utf-8')
  expect(answer.head).toContain('connection: close')
  expect(answer.json).toEqual({ statusCode, code: rest.code, error, message: rest.message })
}

describe('requests Node refuses before Fastify sees them', () => {
  const t = useTestApp()
  let port = 0
  beforeAll(async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    port = (t.app.server.address() as AddressInfo).port
  })

  it('answers headers past the limit with 431 HEADERS_TOO_LARGE in the error shape', async () => {
    const big = 'a'.repeat(20_000)
    const answer = parsed(await exchange(port, `GET /health HTTP/1.1\r\nX-Big: ${big}\r\n\r\n`))
    expectRefused(answer, 431, 'Request Header Fields Too Large', {
      code: 'HEADERS_TOO_LARGE',
      message: "the request's headers exceed 16 KiB; send fewer or shorter ones",
    })
  })

  it('answers a broken request line with 400 MALFORMED_REQUEST, and keeps serving', async () => {
    const answer = parsed(await exchange(port, 'GARBAGE\r\n\r\n'))
    expectRefused(answer, 400, 'Bad Request', {
      code: 'MALFORMED_REQUEST',
      message: 'the request is not valid HTTP/1.1',
    })
    const health = await fetch(`http://127.0.0.1:${port}/health`)
    expect(health.status).toBe(200)
  })
})

describe('clientError', () => {
  it('answers headers that never finish with 408 REQUEST_TIMEOUT and closes the connection', async () => {
    // Node reports a header timeout at most every 30 s; the handler is driven directly here.
    const server = createServer((socket: Socket) => {
      const timeout = Object.assign(new Error('Request timeout'), {
        code: 'ERR_HTTP_REQUEST_TIMEOUT',
      })
      const app = { log: { debug: () => {} } } as unknown as FastifyInstance
      // Node's HTTP server listens for the error the handler destroys the socket with.
      socket.on('error', () => {})
      clientError.call(app, timeout as never, socket)
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    try {
      const answer = parsed(await exchange((server.address() as AddressInfo).port, 'GET /'))
      expect(answer.status).toBe('HTTP/1.1 408 Request Timeout')
      expect(answer.json).toMatchObject({ statusCode: 408, code: 'REQUEST_TIMEOUT' })
    } finally {
      server.close()
    }
  })
})
