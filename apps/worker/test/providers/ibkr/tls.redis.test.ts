import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProviderUnavailableError } from '../../../src/errors'
import type { IbkrClient } from '../../../src/providers/ibkr/client'
import { testRedis } from '../../support/config'
import { ibkrAdapterFor } from './client'
import { ibkrFixture } from './fixture-route'

const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0
const t = testRedis()
const clients: IbkrClient[] = []
let server: Server
let baseUrl: string
let dir: string

beforeAll(async () => {
  if (!hasOpenssl) return
  // A throwaway self-signed certificate, like the one the CP gateway serves on localhost:5000.
  dir = mkdtempSync(join(tmpdir(), 'ibkr-tls-'))
  const made = spawnSync(
    'openssl',
    // biome-ignore format: one flag and its value per pair
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', 'key.pem', '-out', 'cert.pem'],
    { cwd: dir, stdio: 'ignore' },
  )
  if (made.status !== 0) throw new Error('openssl could not make a certificate')
  server = createServer(
    {
      key: readFileSync(join(dir, 'key.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
    },
    (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(ibkrFixture('search-aapl.json'))
    },
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1/api`
})

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()))
  if (server) await new Promise((resolve) => server.close(resolve))
  if (dir) rmSync(dir, { recursive: true, force: true })
  await t.cleanup()
})

describe.skipIf(!hasOpenssl)('a gateway with a self-signed certificate', () => {
  it('is refused by default, with a message naming IBKR_TLS_INSECURE', async () => {
    const { adapter, client } = ibkrAdapterFor(baseUrl, t)
    clients.push(client)
    const error = await adapter.search('AAPL').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderUnavailableError)
    expect((error as Error).message).toMatch(/IBKR_TLS_INSECURE=true/)
  })

  it('is accepted with IBKR_TLS_INSECURE=true', async () => {
    const { adapter, client } = ibkrAdapterFor(baseUrl, t, { IBKR_TLS_INSECURE: 'true' })
    clients.push(client)
    await expect(adapter.search('AAPL')).resolves.toMatchObject({ conid: '265598' })
  })
})
