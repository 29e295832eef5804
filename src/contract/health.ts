import { createRoute, z } from '@hono/zod-openapi'
import { NoQuery } from './common/query'
import { healthHeaders } from './common/headers'
import { examples, Timestamp } from './common/primitives'
import { healthErrorResponses } from './errors/responses'

const DependencyCheck = z
  .object({
    healthy: z.boolean().openapi({ example: true }),
    latencyMs: z
      .number()
      .min(0)
      .openapi({ example: 1.2, description: 'Round-trip time of the check in milliseconds (each is cut off at 3 s).' }),
    required: z.boolean().openapi({
      example: true,
      description: 'Whether operations fail without it (then `status` is `unhealthy`), or go on without it (then `degraded`).',
    }),
  })
  .openapi('DependencyCheck', { example: { healthy: true, latencyMs: 1.2, required: true } })

const check = (required: boolean, healthy = true, latencyMs = 1.2) => ({ healthy, latencyMs, required })
const healthyExample = {
  status: 'healthy',
  timestamp: examples.time,
  checks: {
    database: check(true),
    signInLimiter: check(true, true, 0.4),
    config: check(true, true, 0),
    cache: check(false, true, 0.8),
    rateLimiter: check(false, true, 0.4),
  },
} as const

const checks = {
  database: DependencyCheck.openapi({ description: 'D1 answers a query. Required: every operation reads or writes it.' }),
  signInLimiter: DependencyCheck.openapi({
    description: 'The sign-in rate limiter (AUTH_RATE_LIMITER) answers. Required: login and registration fail closed without it (503).',
  }),
  config: DependencyCheck.openapi({ description: 'The bindings, vars and secrets are valid. Required.' }),
  cache: DependencyCheck.openapi({ description: 'The Cache API answers a lookup. Not required: reads then go to D1.' }),
  rateLimiter: DependencyCheck.openapi({
    description: 'The general rate limiter (RATE_LIMITER) answers. Not required: requests then go on unlimited (it fails open).',
  }),
}

export const HealthStatus = z
  .object({
    status: z.enum(['healthy', 'degraded', 'unhealthy']).openapi('HealthState', {
      example: 'healthy',
      description: '`unhealthy` (503) exactly when a required check failed, `degraded` (200) when only others did.',
    }),
    timestamp: Timestamp.openapi({ example: examples.time }),
    checks: z.object(checks).openapi('HealthChecks', { example: healthyExample.checks }),
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
      'Runs a live check of every dependency the operations use, at once, each cut off at 3 s: D1 (a `SELECT 1`), the sign-in rate limiter, the configuration, the Cache API and the general rate limiter. ' +
      'Answers 503 exactly when operations would fail (a `required` check failed), and 200 otherwise: `healthy`, or `degraded` when a dependency the operations can do without failed. ' +
      'Deliberately not wrapped in the data envelope, so load balancers and uptime monitors can read it as is. Never cached.',
    request: { query: NoQuery },
    responses: {
      200: {
        description: 'Every required dependency is healthy (`healthy`, or `degraded` when one that is not required failed).',
        headers: healthHeaders,
        content: { 'application/json': { schema: HealthStatus } },
      },
      503: {
        description:
          'At least one required dependency is unhealthy; `checks` names which (the reason goes to the logs, not to the caller).',
        headers: healthHeaders,
        content: {
          'application/json': {
            schema: HealthStatus,
            example: {
              status: 'unhealthy',
              timestamp: examples.time,
              checks: { ...healthyExample.checks, database: check(true, false, 3000.4) },
            },
          },
        },
      },
      // A bug inside the handler still reaches onError, which answers with the error envelope.
      ...healthErrorResponses(),
    },
  }),
}
