import { Writable } from 'node:stream'
import type { LogLevel } from '../../src/logger'
import { createLogger, type Logger } from '../../src/logger'

/** A real pino logger whose lines land in `lines` (raw) and `records` (parsed). */
export function captureLogger(level: LogLevel = 'debug'): {
  logger: Logger
  lines: string[]
  records: Record<string, unknown>[]
} {
  const lines: string[] = []
  const records: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        lines.push(line)
        records.push(JSON.parse(line) as Record<string, unknown>)
      }
      callback()
    },
  })
  return { logger: createLogger(level, stream), lines, records }
}
