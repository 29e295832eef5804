import type { Access } from '../domain/access'
import { conflict, notFound } from '../domain/errors'
import { toPage, type Page, type PageRequest } from '../domain/page'
import {
  assertEndpointUrl,
  eventFor,
  MAX_ENDPOINTS,
  ROTATION_OVERLAP_MS,
  type Event,
  type SubscribableType,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../domain/webhook'
import type { EndpointChanges, EventFilter, EventLog, WebhookDeliveryRepository, WebhookEndpointRepository } from './webhook-ports'

type Deps = {
  endpoints: WebhookEndpointRepository
  deliveries: WebhookDeliveryRepository
  events: EventLog
  /** Makes a new endpoint secret (`whsec_…`). */
  newSecret: () => string
  /** A development deployment: plain http and loopback receivers are allowed there. */
  development: boolean
}

/** Managing endpoints writes: the caller themselves, not a guest. */
const writer = (access: Access) => ({ access, permission: { write: true } })

/** A new endpoint for the caller; its secret is in the answer and nowhere else readable. */
export async function createWebhookEndpoint(
  deps: Pick<Deps, 'endpoints' | 'newSecret' | 'development'>,
  access: Access,
  input: { url: string; eventTypes: SubscribableType[]; description: string },
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  assertEndpointUrl(input.url, deps.development)
  const secret = deps.newSecret()
  const endpoint = await deps.endpoints.create(writer(access), { ...input, secret }, MAX_ENDPOINTS)
  if (!endpoint) throw conflict(`You have ${MAX_ENDPOINTS} webhook endpoints, the most allowed; delete one first`)
  return { endpoint, secret }
}

export async function findWebhookEndpoint({ endpoints }: Pick<Deps, 'endpoints'>, access: Access, id: string) {
  return endpoints.find({ access }, id)
}

export async function getWebhookEndpoint(deps: Pick<Deps, 'endpoints'>, access: Access, id: string): Promise<WebhookEndpoint> {
  const endpoint = await findWebhookEndpoint(deps, access, id)
  if (!endpoint) throw notFound('Webhook endpoint')
  return endpoint
}

export async function listWebhookEndpoints({ endpoints }: Pick<Deps, 'endpoints'>, access: Access, request: PageRequest<'createdAt'>) {
  const { items, total } = await endpoints.list({ access }, request)
  return toPage(items, total, request)
}

export async function updateWebhookEndpoint(
  { endpoints, development }: Pick<Deps, 'endpoints' | 'development'>,
  access: Access,
  id: string,
  changes: EndpointChanges,
  ifVersion?: number[],
): Promise<WebhookEndpoint> {
  if (changes.url !== undefined) assertEndpointUrl(changes.url, development)
  const endpoint = await endpoints.update(writer(access), id, changes, ifVersion)
  if (!endpoint) throw notFound('Webhook endpoint')
  return endpoint
}

export async function deleteWebhookEndpoint({ endpoints }: Pick<Deps, 'endpoints'>, access: Access, id: string, ifVersion?: number[]) {
  if (!(await endpoints.delete(writer(access), id, ifVersion))) throw notFound('Webhook endpoint')
}

/** A new secret; the old one signs beside it for 24 hours. */
export async function rotateWebhookEndpointSecret(
  { endpoints, newSecret }: Pick<Deps, 'endpoints' | 'newSecret'>,
  access: Access,
  id: string,
): Promise<{ secret: string; previousSecretExpiresAt: string }> {
  const secret = newSecret()
  const previousSecretExpiresAt = new Date(access.now + ROTATION_OVERLAP_MS).toISOString()
  if (!(await endpoints.rotate(writer(access), id, secret, previousSecretExpiresAt))) throw notFound('Webhook endpoint')
  return { secret, previousSecretExpiresAt }
}

export async function pingWebhookEndpoint({ deliveries }: Pick<Deps, 'deliveries'>, access: Access, id: string): Promise<WebhookDelivery> {
  const delivery = await deliveries.ping(writer(access), id)
  if (!delivery) throw notFound('Webhook endpoint')
  return delivery
}

export async function listWebhookDeliveries(
  { deliveries }: Pick<Deps, 'deliveries'>,
  access: Access,
  id: string,
  request: PageRequest<'createdAt'>,
): Promise<Page<WebhookDelivery>> {
  const found = await deliveries.list({ access }, id, request)
  if (!found) throw notFound('Webhook endpoint')
  return toPage(found.items, found.total, request)
}

export async function retryWebhookDelivery(
  { deliveries }: Pick<Deps, 'deliveries'>,
  access: Access,
  id: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  const delivery = await deliveries.retry(writer(access), id, deliveryId)
  if (!delivery) throw notFound('Webhook delivery')
  return delivery
}

/** The event log as the caller may read it. */
export async function listEvents(
  { events }: Pick<Deps, 'events'>,
  access: Access,
  request: PageRequest<'createdAt'> & EventFilter,
): Promise<Page<Event>> {
  const { items, total, reader } = await events.list({ access }, request)
  return toPage(
    items.map((event) => eventFor(event, reader)),
    total,
    request,
  )
}
