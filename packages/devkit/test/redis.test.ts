import { afterEach, describe, expect, it } from 'vitest'
import { ensureRedis } from '../src/redis'

const path = process.env.PATH

describe('ensureRedis', () => {
  afterEach(() => {
    process.env.PATH = path
  })

  it('says how to get a Redis without printing the password of the URL it tried', async () => {
    // No redis-server on PATH, and nothing listens on port 1.
    process.env.PATH = ''
    const failure = ensureRedis('redis://app:pw-never-shown@127.0.0.1:1')
    await expect(failure).rejects.toThrow('No Redis answers at redis://app:***@127.0.0.1:1')
    await expect(failure).rejects.not.toThrow('pw-never-shown')
  })
})
