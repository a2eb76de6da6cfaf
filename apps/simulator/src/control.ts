import type { FastifyPluginAsync } from 'fastify'
import { type ConditionsState, parseConditionsPatch } from './conditions'
import { SettingError } from './errors'
import type { CallStats } from './stats'

export interface ControlRoutesOptions {
  readonly stats: CallStats
  readonly conditions: ConditionsState
  /** Clears stats, every limit window, ban and snapshot subscription; restores start conditions. */
  readonly reset: () => void
}

/**
 * `/__sim/*`: how tests and benchmarks observe and steer the simulator. These routes bypass the
 * provider gate (no latency, faults or quota) and are not counted in stats.
 */
export const controlRoutes: FastifyPluginAsync<ControlRoutesOptions> = async (app, opts) => {
  const { stats, conditions, reset } = opts

  app.get('/stats', async () => stats.snapshot())

  app.post('/reset', async (_request, reply) => {
    reset()
    return reply.code(204).send()
  })

  app.get('/faults', async () => conditions.current)

  app.post('/faults', async (request, reply) => {
    try {
      // A POST without a body changes nothing and just reports the current values.
      return conditions.update(parseConditionsPatch(request.body ?? {}))
    } catch (error) {
      if (!(error instanceof SettingError)) throw error
      return reply
        .code(400)
        .send({ statusCode: 400, code: error.code, error: 'Bad Request', message: error.message })
    }
  })
}
