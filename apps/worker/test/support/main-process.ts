import { spawn } from 'node:child_process'

/** Runs the worker's `src/main.ts` as a real process, collecting its output and JSON log lines. */
export function runMain(env: Record<string, string>) {
  // The tsx loader resolves from the package (a declared devDependency), not a .bin path that
  // only some installs create.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: new URL('../..', import.meta.url),
    // A free port for /metrics, so processes side by side (and other test runs) never collide.
    env: { PATH: process.env.PATH ?? '', WORKER_METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const records: Record<string, unknown>[] = []
  let stdout = ''
  let stderr = ''
  let buffered = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    buffered += chunk.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines.filter(Boolean))
      records.push(JSON.parse(line) as Record<string, unknown>)
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  return {
    child,
    records,
    exited,
    stderr: () => stderr,
    /** Everything it printed, on either stream. */
    output: () => stdout + stderr,
  }
}
