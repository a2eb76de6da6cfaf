import type {
  BacktestBatchResult,
  BacktestJobResult,
  BatchBacktest,
  JobHandle,
  JobProcessor,
} from '../contracts/processor'

const NO_RESULT = 'no result: the backtest failed or was removed, and its job is gone'

function isBacktestResult(value: unknown): value is BacktestJobResult {
  const result = value as Partial<BacktestJobResult> | null
  return (
    typeof result?.symbol === 'string' &&
    typeof result.key === 'string' &&
    typeof result.summary === 'object' &&
    result.summary !== null
  )
}

/** The symbol of a failed child, read from its job data; undefined once the job is gone. */
async function symbolOf(handle: JobHandle, childKey: string): Promise<string | undefined> {
  const own = `${handle.job.queueQualifiedName}:`
  if (!childKey.startsWith(own)) return undefined
  const child = await handle.fromId(childKey.slice(own.length))
  const symbol = (child?.data as { symbol?: unknown } | undefined)?.symbol
  return typeof symbol === 'string' ? symbol : undefined
}

/** The children that completed, by symbol. */
async function completedChildren(handle: JobHandle): Promise<Map<string, BatchBacktest>> {
  const values = await handle.job.getChildrenValues<unknown>()
  const bySymbol = new Map<string, BatchBacktest>()
  for (const value of Object.values(values)) {
    if (!isBacktestResult(value)) continue
    const { total_return, sharpe, max_drawdown, trade_count } = value.summary
    bySymbol.set(value.symbol, {
      symbol: value.symbol,
      key: value.key,
      total_return,
      sharpe,
      max_drawdown,
      trade_count,
    })
  }
  return bySymbol
}

/** The children that failed: their reasons by symbol, and reasons whose job is gone. */
async function failedChildren(handle: JobHandle) {
  const ignored = await handle.job.getIgnoredChildrenFailures()
  const reasons = new Map<string, string>()
  const unnamed: string[] = []
  for (const [childKey, reason] of Object.entries(ignored)) {
    const symbol = await symbolOf(handle, childKey)
    if (symbol === undefined) unnamed.push(reason)
    else reasons.set(symbol, reason)
  }
  return { reasons, unnamed }
}

/**
 * `derive.backtest-batch`: the parent of a BullMQ flow whose children are `derive.backtest` jobs,
 * one per symbol. BullMQ runs it once every child has completed or failed; children added with
 * `ignoreDependencyOnFailure` leave their failure reason here instead of blocking the batch.
 * It computes nothing and writes nothing: it reports the children's results and failures.
 */
export function backtestBatchProcessor(): JobProcessor<'derive.backtest-batch'> {
  return {
    // A batch owns no cache entry (each backtest has its own, which its own job marks), so a
    // failing batch must neither write negative entries nor record errors on its symbols.
    targets: () => [],
    async process(data, handle): Promise<BacktestBatchResult> {
      const [bySymbol, { reasons, unnamed }] = await Promise.all([
        completedChildren(handle),
        failedChildren(handle),
      ])
      const symbols = [...new Set([...data.symbols, ...bySymbol.keys(), ...reasons.keys()])]
      const unexplained = symbols.filter((s) => !bySymbol.has(s) && !reasons.has(s))
      // A reason whose job is gone names no symbol; it can only be matched when it is the only one.
      const fallback = unexplained.length === 1 && unnamed.length === 1 ? unnamed[0] : undefined
      const results: BatchBacktest[] = []
      const failures: BacktestBatchResult['failures'] = []
      for (const symbol of symbols) {
        const result = bySymbol.get(symbol)
        if (result) results.push(result)
        else failures.push({ symbol, reason: reasons.get(symbol) ?? fallback ?? NO_RESULT })
      }
      return {
        written: [],
        total: symbols.length,
        completed: results.length,
        failed: failures.length,
        results,
        failures,
      }
    },
  }
}
