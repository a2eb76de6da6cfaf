import { CoinIdParams } from '@marketcache/shared/datasets/coin-id'
import { type JobName, type JobRequest, MARKETS_PAGE_SIZE } from '@marketcache/shared/jobs'
import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'

const CoinId = CoinIdParams.properties.id

/**
 * Job data per job name. `strict` rejects unknown fields (config must have none); jobs arriving
 * from producers may carry extra fields (`origin`, tracing), which processors simply ignore.
 */
function jobDataSchemas(strict: boolean) {
  const options = { additionalProperties: !strict }
  return {
    'coingecko.coin': Type.Object({ id: CoinId }, options),
    'coingecko.markets': Type.Union([
      Type.Object(
        { ids: Type.Array(CoinId, { minItems: 1, maxItems: MARKETS_PAGE_SIZE }) },
        options,
      ),
      Type.Object({ top: Type.Integer({ minimum: 1, maximum: MARKETS_PAGE_SIZE }) }, options),
    ]),
  } as const satisfies Record<JobName, TSchema>
}

const strictData = jobDataSchemas(true)
const noExtras = { additionalProperties: false } as const

/** A JobRequest as a schema, for requests that arrive as text (warm-up schedules). */
export const JobRequestSchema = Type.Union([
  Type.Object(
    {
      queue: Type.Literal('coingecko'),
      name: Type.Literal('coingecko.coin'),
      data: strictData['coingecko.coin'],
    },
    noExtras,
  ),
  Type.Object(
    {
      queue: Type.Literal('coingecko'),
      name: Type.Literal('coingecko.markets'),
      data: strictData['coingecko.markets'],
    },
    noExtras,
  ),
])

// Fails to compile when the schema and shared's JobRequest drift apart.
type Assignable<T extends JobRequest> = T
export type ValidJobRequest = Assignable<Static<typeof JobRequestSchema>>

const checkers = Object.fromEntries(
  Object.entries(jobDataSchemas(false)).map(([name, schema]) => [
    name,
    TypeCompiler.Compile(schema as TSchema),
  ]),
) as Record<JobName, ReturnType<typeof TypeCompiler.Compile>>

/** The first problem with a job's data, or null when a processor can run it. */
export function jobDataProblem(name: JobName, data: unknown): string | null {
  const error = checkers[name].Errors(data).First()
  return error ? `${error.path || '(root)'}: ${error.message}` : null
}
