import {
  type FastifyPluginAsyncTypebox,
  Type,
  TypeBoxValidatorCompiler,
} from '@fastify/type-provider-typebox'
import type { PushedDataset } from '@marketcache/shared/dataset'
import { isNewVersion, type StoredEntry } from '@marketcache/shared/envelope'
import type { JobRequest } from '@marketcache/shared/jobs'
import { PUSH_MAX_ITEMS } from '@marketcache/shared/push-job'
import { datasets, type PushedDatasetName, pushedDatasetNames } from '@marketcache/shared/registry'
import type { FastifySchemaCompiler } from 'fastify'
import type { ApiKeyAuth } from '../auth'
import type { ApiConfig } from '../config'
import { errorResponses } from '../errors'
import { fillAndWait } from '../fill-wait'
import { COMMAND_ERRORS, keySecurity, Tag } from '../openapi'
import { type PushedItem, pushedItems } from '../push-body'
import type { ApiServices } from '../services'

/** 500 signals with long reasoning, or a few large analytics values, fit in it. */
const PUSH_BODY_LIMIT_BYTES = 2 * 1024 * 1024

const JobItem = Type.Object({
  id: Type.String({ description: 'Job id, for GET /v1/jobs/{id}' }),
  dataset: Type.String(),
  key: Type.String({ description: 'The cache key the value is written to.' }),
})

const Written = Type.Object({
  jobs: Type.Array(JobItem),
  written: Type.Array(Type.String(), { description: 'Keys that now hold the pushed value.' }),
  kept: Type.Array(Type.String(), {
    description: 'Keys whose stored value has a newer asOf: the pushed one was not written.',
  }),
})

/**
 * The body is checked in the handler (`pushedItems`), which names the failing JSON path; the
 * body schema only documents. Query strings are validated (and converted) as everywhere.
 */
const bodyCheckedInHandler: FastifySchemaCompiler<unknown> = (route) =>
  route.httpPart === 'body'
    ? () => true
    : TypeBoxValidatorCompiler(route as Parameters<typeof TypeBoxValidatorCompiler>[0])

/** The OpenAPI schema of one dataset's push route; the body schema only documents. */
function pushRouteSchema(name: PushedDatasetName, config: ApiConfig) {
  const dataset: PushedDataset = datasets[name]
  const valueId = dataset.value.$id as string
  const querystring = Type.Object({
    wait: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: config.readWaitMaxMs,
        description:
          'How long to wait for the write, in ms: 201 (or 200) with the written keys once ' +
          'every value is stored, else 202. Default 0: answer 202 at once.',
      }),
    ),
    ...(dataset.push.acceptsTtl
      ? {
          ttl: Type.Optional(
            Type.Integer({
              minimum: 1,
              description: `Seconds the values stay fresh; default ${name.toUpperCase()}_DEFAULT_TTL_S, at most ${name.toUpperCase()}_MAX_TTL_S.`,
            }),
          ),
        }
      : {}),
  })
  return {
    operationId: `push${name[0]?.toUpperCase()}${name.slice(1)}`,
    tags: [Tag.commands],
    summary: `Push ${name} values`,
    description:
      `One ${valueId} value, or {"items": [1-${PUSH_MAX_ITEMS} values]}, written by the ` +
      'worker in one job. A value whose entry holds a newer asOf is not written.',
    security: keySecurity('write'),
    querystring,
    body: Type.Union([
      Type.Ref(valueId),
      Type.Object(
        {
          items: Type.Array(Type.Ref(valueId), { minItems: 1, maxItems: PUSH_MAX_ITEMS }),
        },
        { additionalProperties: false },
      ),
    ]),
    response: {
      200: Type.Object(Written.properties, {
        description: 'Written (wait): some values were kept behind newer ones.',
      }),
      201: Type.Object(Written.properties, { description: 'Written (wait): every value.' }),
      202: Type.Object(
        { jobs: Type.Array(JobItem) },
        { description: 'Accepted: the job to poll (no wait, or not written in time).' },
      ),
      ...errorResponses([...COMMAND_ERRORS, 'INVALID_PARAMS']),
    },
  }
}

/** `POST /v1/push/<dataset>` for every pushed dataset: one job on `push`, waited for on request. */
export const pushRoutes: FastifyPluginAsyncTypebox<{
  services: ApiServices
  auth: ApiKeyAuth
}> = async (app, { services, auth }) => {
  const { config } = services
  for (const name of pushedDatasetNames) {
    const dataset: PushedDataset = datasets[name]
    app.post(
      `/v1/push/${name}`,
      {
        onRequest: auth.require('write'),
        bodyLimit: PUSH_BODY_LIMIT_BYTES,
        validatorCompiler: bodyCheckedInHandler,
        schema: pushRouteSchema(name, config),
      },
      async (request, reply) => {
        const query = request.query as { wait?: number; ttl?: number }
        const at = Date.now()
        const items = pushedItems(services.keys, dataset, request.body, at)
        const job: JobRequest = {
          queue: 'push',
          name: 'push.write',
          data: {
            dataset: name,
            items: items.map((item) => item.value),
            at,
            ...(query.ttl === undefined ? {} : { ttl: query.ttl }),
          },
        }
        const answer = await pushAndWait(services, name, job, items, query.wait ?? 0)
        return reply.code(answer.status).send(answer.body)
      },
    )
  }
}

/** Enqueues the push; with a wait, waits for its keys through the one fill wait. */
async function pushAndWait(
  services: ApiServices,
  dataset: string,
  job: JobRequest,
  items: readonly PushedItem[],
  waitMs: number,
) {
  const jobsOf = (id: string) => items.map(({ key }) => ({ id, dataset, key }))
  if (waitMs === 0) {
    const id = await services.enqueuer.enqueue(job, 'update')
    return { status: 202 as const, body: { jobs: jobsOf(id) } }
  }
  const keys = items.map((item) => item.key)
  const previous = await services.reader.readMany(keys)
  // Landed: this push's own asOf, written; or a newer one, which this push will never replace.
  const targets = items.map(({ key, asOf }, index) => ({
    key,
    previous: previous[index] ?? null,
    fallback: null,
    landed: (entry: StoredEntry) =>
      !('notFound' in entry) &&
      (entry.asOf > asOf || (entry.asOf === asOf && isNewVersion(entry, previous[index] ?? null))),
  }))
  const outcomes = await fillAndWait(services, targets, [{ request: job, keys }], {
    origin: 'update',
    waitMs,
  })
  const written: string[] = []
  const kept: string[] = []
  let jobId = ''
  outcomes.forEach((outcome, index) => {
    const item = items[index] as PushedItem
    if (outcome.status === 'pending' || outcome.status === 'filled') jobId ||= outcome.jobId ?? ''
    if (outcome.status !== 'filled' || 'notFound' in outcome.entry) return
    ;(outcome.entry.asOf > item.asOf ? kept : written).push(item.key)
  })
  const jobs = jobsOf(jobId)
  if (written.length + kept.length < items.length) return { status: 202 as const, body: { jobs } }
  return {
    status: kept.length > 0 ? (200 as const) : (201 as const),
    body: { jobs, written, kept },
  }
}
