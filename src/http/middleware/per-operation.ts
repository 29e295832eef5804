import type { RouteConfig } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import type { OperationId } from '../../contract/operations'
import type { AppEnv } from '../app-env'
import { requireAuth } from './authentication'
import { conditionalGet } from '../etags'
import { idempotent } from './idempotency'
import { authRateLimit } from './rate-limit'

const takesHeader = (route: RouteConfig, name: string) => {
  const headers = route.request?.headers
  return headers !== undefined && 'shape' in headers && name in headers.shape
}

/**
 * The middleware an operation runs before its handler, read from its contract so the two cannot drift apart:
 * `security` -> authentication; an `Idempotency-Key` header -> replay of retried POSTs; a 304 response -> If-None-Match.
 */
export function middlewareFor(operationId: OperationId, route: RouteConfig): MiddlewareHandler<AppEnv>[] {
  const chain: MiddlewareHandler<AppEnv>[] = []
  if (route.security?.some((requirement) => Object.keys(requirement).length > 0)) chain.push(requireAuth)
  // Sign-in and sign-up have strict limits of their own, before idempotency so a replay cannot dodge them.
  if (operationId === 'register' || operationId === 'login') chain.push(authRateLimit)
  if (takesHeader(route, 'Idempotency-Key')) chain.push(idempotent)
  if (route.responses[304]) chain.push(conditionalGet)
  return chain
}
