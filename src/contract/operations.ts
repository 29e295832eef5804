import { apiKeyOperations } from './api-keys'
import { authOperations } from './auth'
import { healthOperations } from './health'
import { postOperations } from './posts'
import { userOperations } from './users'
import { webhookDeliveryOperations } from './webhook-deliveries'
import { webhookEndpointOperations } from './webhooks'

/**
 * The one registry of operations, keyed by operationId, in document order. The document lists exactly these, the app
 * serves exactly these (with handlers typed against them), and the tests walk the document made from them.
 */
export const operations = {
  ...healthOperations,
  ...authOperations,
  ...apiKeyOperations,
  ...userOperations,
  ...postOperations,
  ...webhookEndpointOperations,
  ...webhookDeliveryOperations,
}

export type Operations = typeof operations
export type OperationId = keyof Operations
