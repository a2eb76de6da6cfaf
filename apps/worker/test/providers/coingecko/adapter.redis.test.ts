import { afterAll } from 'vitest'
import { testRedis } from '../../support/config'
import { startFixtureServer } from '../../support/fixture-server'
import { startSimulator } from '../../support/simulator'
import { coingeckoAdapterContract } from './adapter-contract'

const t = testRedis()
const redis = () => t.redis

afterAll(() => t.cleanup())

coingeckoAdapterContract('simulator', () => startSimulator(), redis)
coingeckoAdapterContract('recorded fixtures', () => startFixtureServer(), redis)
