/**
 * Which entries the provider calls in flight in this worker process are fetching, so that jobs
 * running side by side do not fetch the same entry twice: a job whose entry another call has
 * claimed waits for that call instead of making its own. Keys are cache keys. Only this process
 * sees its claims; jobs on other replicas are kept from refetching by the written-since check
 * when their turn comes.
 */
export class FillClaims {
  readonly #inFlight = new Map<string, Promise<void>>()
  /** When each key's last call here settled: a job that looked before then must look again. */
  readonly #settledAt = new Map<string, number>()

  /** The call in flight that claimed `key`, if any; it resolves when that call settles. */
  pending(key: string): Promise<void> | undefined {
    return this.#inFlight.get(key)
  }

  /** Whether a call here that fetched `key` settled at or after `since` (epoch ms). */
  settledSince(key: string, since: number): boolean {
    return (this.#settledAt.get(key) ?? Number.NEGATIVE_INFINITY) >= since
  }

  /** Claims the keys no call has claimed, runs `call` with them, and ends the claims after it. */
  run<T>(keys: readonly string[], call: (claimed: string[]) => Promise<T>): Promise<T> {
    const claimed = [...new Set(keys)].filter((key) => !this.#inFlight.has(key))
    let settle = () => {}
    const settled = new Promise<void>((resolve) => {
      settle = resolve
    })
    for (const key of claimed) this.#inFlight.set(key, settled)
    const release = () => {
      const at = Date.now()
      if (this.#settledAt.size > 10_000) this.#settledAt.clear()
      for (const key of claimed) {
        if (this.#inFlight.get(key) === settled) this.#inFlight.delete(key)
        this.#settledAt.set(key, at)
      }
      settle()
    }
    const result = Promise.resolve().then(() => call(claimed))
    result.then(release, release)
    return result
  }
}
