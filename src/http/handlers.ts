import type { RouteConfig, RouteHandler } from '@hono/zod-openapi'
import type { Operations } from '../contract/operations'
import type { AppEnv } from './app-env'
import { apiKeyHandlers } from './api-keys'
import { authHandlers } from './auth'
import { healthHandlers } from './health'
import { postHandlers } from './posts'
import { userHandlers } from './users'
import { webhookDeliveryHandlers } from './webhook-deliveries'
import { webhookEndpointHandlers } from './webhooks'

/** One handler per operation of a contract file, keyed by operationId and typed by its route: a missing one is a compile error. */
export type Handlers<O extends Record<string, RouteConfig>> = { [K in keyof O]: RouteHandler<O[K], AppEnv> }

/** Every operation's handler; app.ts binds each to its operation from the registry. */
export const handlers: Handlers<Operations> = {
  ...healthHandlers,
  ...authHandlers,
  ...apiKeyHandlers,
  ...userHandlers,
  ...postHandlers,
  ...webhookEndpointHandlers,
  ...webhookDeliveryHandlers,
}
