import type { PageRequest } from '../domain/page'
import type { Role } from '../domain/user'
import type { EventType, StoredEvent, SubscribableType, WebhookDelivery, WebhookEndpoint } from '../domain/webhook'
import type { Guard } from './ports'

/** The events a request's writes recorded in their own batches: sent to the queue after a successful answer. */
export interface Outbox {
  record(eventId: string): void
}

/** What the queue carries: an event to fan out to its endpoints, or one delivery to attempt. */
export type WebhookMessage = { kind: 'event'; id: string } | { kind: 'delivery'; id: string }

export interface EventQueue {
  send(messages: WebhookMessage[], delaySeconds?: number): Promise<void>
}

export interface NewEndpoint {
  url: string
  description: string
  eventTypes: SubscribableType[]
  /** The plain secret; the adapter stores it sealed. */
  secret: string
}

export type EndpointChanges = Partial<Pick<WebhookEndpoint, 'url' | 'description' | 'eventTypes' | 'enabled'>>

/** The caller's own endpoints: each method is guarded and acts only on the endpoints of the user the guard confirms. */
export interface WebhookEndpointRepository {
  /** Null when the caller already has `max` endpoints (checked in the same statement). */
  create(guard: Guard, endpoint: NewEndpoint, max: number): Promise<WebhookEndpoint | null>
  find(guard: Guard, id: string): Promise<WebhookEndpoint | null>
  list(guard: Guard, request: PageRequest<'createdAt'>): Promise<{ items: WebhookEndpoint[]; total: number }>
  /** Null when there is no such endpoint; PRECONDITION_FAILED when `ifVersion` is given and does not match. */
  update(guard: Guard, id: string, changes: EndpointChanges, ifVersion?: number[]): Promise<WebhookEndpoint | null>
  delete(guard: Guard, id: string, ifVersion?: number[]): Promise<boolean>
  /** The new secret replaces the current one, which keeps signing until `previousUntil`. */
  rotate(guard: Guard, id: string, secret: string, previousUntil: string): Promise<WebhookEndpoint | null>
}

/** Deliveries of the caller's endpoints. */
export interface WebhookDeliveryRepository {
  /** A ping event for the endpoint and its delivery, in one batch; null when there is no such endpoint. */
  ping(guard: Guard, endpointId: string): Promise<WebhookDelivery | null>
  /** Null when there is no such endpoint. */
  list(guard: Guard, endpointId: string, request: PageRequest<'createdAt'>): Promise<{ items: WebhookDelivery[]; total: number } | null>
  /** Sets the delivery pending again and its event to be dispatched; null when there is none. */
  retry(guard: Guard, endpointId: string, deliveryId: string): Promise<WebhookDelivery | null>
}

export interface EventFilter {
  type?: EventType | undefined
  since?: string | undefined
  until?: string | undefined
}

export interface EventLog {
  /** The events the caller may see (pings only of their own endpoints), and who the caller is. */
  list(
    guard: Guard,
    request: PageRequest<'createdAt'> & EventFilter,
  ): Promise<{ items: StoredEvent[]; total: number; reader: { id: string; role: Role } }>
}

/** One delivery attempt's inputs: the event, the endpoint's URL and secrets (opened), its owner. */
interface Attempt {
  delivery: { id: string; attempts: number; status: WebhookDelivery['status'] }
  event: StoredEvent
  endpoint: { id: string; url: string; enabled: boolean; secrets: string[] }
  reader: { id: string; role: Role }
}

export interface AttemptOutcome {
  ok: boolean
  statusCode: number | null
  error: string | null
}

/** What the queue's consumer reads and records. */
export interface Dispatcher {
  /** Makes the deliveries of an event (to the endpoints subscribed when it happened) and returns those still pending. */
  fanOut(eventId: string): Promise<string[]>
  /** Null when the delivery (or its endpoint or event) is gone. */
  attempt(deliveryId: string, now: number): Promise<Attempt | null>
  record(deliveryId: string, outcome: AttemptOutcome, nextAttemptAt: string | null): Promise<void>
  /** Every attempt failed: the delivery is dead, and its endpoint disabled unless something reached it since. */
  deadLetter(deliveryId: string): Promise<void>
  /** Events older than `before` that never reached the queue (oldest first, at most `limit`). */
  undispatched(before: string, limit: number): Promise<string[]>
  /** Deletes events older than `before` (with their deliveries), in bounded statements; how many. */
  purge(before: string): Promise<number>
}

/** Sends one signed delivery; never throws for what the receiver does. */
export type WebhookSender = (url: string, body: string, headers: Record<string, string>) => Promise<AttemptOutcome>
