import { readFileSync } from 'node:fs'
import { ErrorCodes } from '@marketcache/shared/errors'
import { describe, expect, it } from 'vitest'
import { ApiError, errorBody } from '../src/errors'

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8')
/** Rows of the table: | `CODE` | status | meaning | what to do |, however the columns are padded. */
const documented = new Map(
  docs
    .split('\n')
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .map(([, code, status]) => [/^`([A-Z_]+)`$/.exec(code ?? '')?.[1], Number(status)] as const)
    .filter((row): row is readonly [string, number] => row[0] !== undefined),
)

describe('docs/errors.md', () => {
  it('lists every code in ErrorCodes, with its status', () => {
    for (const [code, { status }] of Object.entries(ErrorCodes)) {
      expect(documented.get(code), code).toBe(status)
    }
  })

  it('lists no code that ErrorCodes lacks', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(ErrorCodes).sort())
  })
})

describe('errorBody', () => {
  it('renders the one shape with the reason phrase', () => {
    expect(errorBody(new ApiError('TOO_MANY_IDS', 'too many'))).toEqual({
      statusCode: 400,
      code: 'TOO_MANY_IDS',
      error: 'Bad Request',
      message: 'too many',
    })
    expect(errorBody(new ApiError('FILL_PENDING', 'wait', { jobId: 'coingecko.1' }))).toMatchObject(
      {
        statusCode: 503,
        error: 'Service Unavailable',
        jobId: 'coingecko.1',
      },
    )
  })
})
