import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { spawnEntry, stopChild } from './child'

/** A server in a process of its own, measured from outside as a load balancer would see it. */
export interface ServerProcess {
  url: string
  /** For a signal of the caller's choosing (a worker killed mid-job). */
  pid: number
  /** CPU seconds the process has used so far (user + system), from /proc. */
  cpuSeconds(): number
  stop(): Promise<void>
}

/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const TICKS_PER_SECOND = 100

function cpuOf(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th of those.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

async function answering(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode})`)
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      if (response.status < 500) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`)
}

/**
 * Starts `entry` (a TypeScript file, relative to the repository) with `args` and `env`, and waits
 * until `probe` on `port` answers below 500.
 */
export async function startProcess(options: {
  entry: string
  args?: string[]
  env?: Record<string, string>
  port: number
  probe: string
}): Promise<ServerProcess> {
  const child = spawnEntry(options.entry, {
    ...(options.args ? { args: options.args } : {}),
    ...(options.env ? { env: options.env } : {}),
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${options.port}`
  try {
    await answering(`${url}${options.probe}`, 30_000, child)
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  const pid = child.pid as number
  return {
    url,
    pid,
    cpuSeconds: () => cpuOf(pid),
    stop: () => stopChild(child),
  }
}
