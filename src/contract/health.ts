import { createRoute, z } from '@hono/zod-openapi'
import { NoQuery } from './common/query'
import { healthHeaders } from './common/headers'
import { examples, Timestamp } from './common/primitives'
import { healthErrorResponses } from './errors/responses'

const DependencyCheck = z
  .object({
    healthy: z.boolean().openapi({ example: true }),
    latencyMs: z.number().min(0).openapi({ example: 1.2, description: 'Round-trip time of the check in milliseconds.' }),
  })
  .openapi('DependencyCheck', { example: { healthy: true, latencyMs: 1.2 } })

const healthyExample = {
  status: 'healthy',
  timestamp: examples.time,
  checks: {
    database: { healthy: true, latencyMs: 1.2 },
    cache: { healthy: true, latencyMs: 0.8 },
    config: { healthy: true, latencyMs: 0 },
  },
} as const

export const HealthStatus = z
  .object({
    status: z.enum(['healthy', 'unhealthy']).openapi('HealthState', { example: 'healthy' }),
    timestamp: Timestamp.openapi({ example: examples.time }),
    checks: z
      .object({ database: DependencyCheck, cache: DependencyCheck, config: DependencyCheck })
      .openapi('HealthChecks', { example: healthyExample.checks }),
  })
  .openapi('HealthStatus', { example: healthyExample })

export const healthOperations = {
  getHealth: createRoute({
    method: 'get',
    path: '/health',
    operationId: 'getHealth',
    tags: ['Health'],
    security: [],
    summary: 'Check service health',
    description:
      'Runs a live check of every dependency (a `SELECT 1` against D1, timed). Answers 200 when all are healthy and 503 when any is not. ' +
      'Deliberately not wrapped in the data envelope, so load balancers and uptime monitors can read it as is. Never cached.',
    request: { query: NoQuery },
    responses: {
      200: {
        description: 'Every dependency is healthy.',
        headers: healthHeaders,
        content: { 'application/json': { schema: HealthStatus } },
      },
      503: {
        description: 'At least one dependency is unhealthy; `checks` names which (the reason goes to the logs, not to the caller).',
        headers: healthHeaders,
        content: {
          'application/json': {
            schema: HealthStatus,
            example: {
              status: 'unhealthy',
              timestamp: examples.time,
              checks: {
                database: { healthy: false, latencyMs: 3000.4 },
                cache: { healthy: true, latencyMs: 0.8 },
                config: { healthy: true, latencyMs: 0 },
              },
            },
          },
        },
      },
      // A bug inside the handler still reaches onError, which answers with the error envelope.
      ...healthErrorResponses(),
    },
  }),
}
