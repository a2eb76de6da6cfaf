import { redisTestConfig } from '@marketcache/devkit/vitest-config'

export default redisTestConfig()
