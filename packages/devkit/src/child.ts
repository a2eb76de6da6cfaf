import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { devkitConfig } from './config'

const root = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * Runs a TypeScript entry of the repository (`apps/api/src/server.ts`) in a Node process of its
 * own, from the repository's root, with the environment devkit was given and `env` over it.
 */
export function spawnEntry(
  entry: string,
  options: { args?: readonly string[]; env?: Record<string, string> } & Pick<
    SpawnOptions,
    'stdio' | 'detached'
  >,
): ChildProcess {
  const { args = [], env = {}, ...spawnOptions } = options
  return spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    ...spawnOptions,
    cwd: root,
    env: { ...devkitConfig.env, ...env },
  })
}

/** SIGTERM, then SIGKILL after `graceMs` if the child has not exited; resolves once it has. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
