import { eventFor, MAX_PAYLOAD_BYTES, retryDelay } from '../domain/webhook'
import type { Dispatcher, EventQueue, WebhookMessage, WebhookSender } from './webhook-ports'

type Deps = {
  dispatcher: Dispatcher
  queue: EventQueue
  send: WebhookSender
  sign: (secrets: string[], id: string, timestamp: number, body: string) => Promise<string>
  /** Seconds to wait after the 1st, 2nd, … failed attempt (configuration). */
  schedule: readonly number[]
}

/** What the consumer does with a message: acknowledge it, or have the queue bring it back after a delay. */
type Disposition = { ack: true } | { ack: false; delaySeconds: number }
const ack: Disposition = { ack: true }

/** Sends the events the request recorded (after its answer). */
export async function publishEvents({ queue }: Pick<Deps, 'queue'>, eventIds: string[]): Promise<void> {
  if (eventIds.length) await queue.send(eventIds.map((id) => ({ kind: 'event', id })))
}

/**
 * One queue message: an event becomes one delivery per subscribed endpoint, each its own message; a delivery is
 * attempted, and retried on the schedule when it fails (after `attempts` tries of this message).
 */
export async function consume(deps: Deps, message: WebhookMessage, attempts: number, now = Date.now()): Promise<Disposition> {
  if (message.kind === 'event') {
    const pending = await deps.dispatcher.fanOut(message.id)
    if (pending.length) await deps.queue.send(pending.map((id) => ({ kind: 'delivery', id })))
    return ack
  }
  const attempt = await deps.dispatcher.attempt(message.id, now)
  // Gone (its endpoint or event deleted), already delivered, or the endpoint disabled (pings still go): nothing to do.
  if (!attempt || attempt.delivery.status === 'delivered') return ack
  if (!attempt.endpoint.enabled && attempt.event.type !== 'ping') return ack
  const delaySeconds = retryDelay(deps.schedule, attempts)
  const next = new Date(now + delaySeconds * 1000).toISOString()
  if (attempt.endpoint.secrets.length === 0) {
    const error = "The endpoint's secret cannot be read (the service's own secret changed): rotate the endpoint's secret"
    await deps.dispatcher.record(message.id, { ok: false, statusCode: null, error }, next)
    return { ack: false, delaySeconds }
  }
  const event = eventFor(attempt.event, attempt.reader)
  const body = JSON.stringify(event)
  // Bounded by the schemas (a post of 20,000 characters is far below it); checked so the document's limit always holds.
  if (new TextEncoder().encode(body).byteLength > MAX_PAYLOAD_BYTES) {
    await deps.dispatcher.record(message.id, { ok: false, statusCode: null, error: 'The event is larger than 256 KiB' }, null)
    return ack
  }
  const timestamp = Math.floor(now / 1000)
  const headers = {
    'webhook-id': event.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': await deps.sign(attempt.endpoint.secrets, event.id, timestamp, body),
  }
  const outcome = await deps.send(attempt.endpoint.url, body, headers)
  if (outcome.ok) {
    await deps.dispatcher.record(message.id, outcome, null)
    return ack
  }
  await deps.dispatcher.record(message.id, outcome, next)
  return { ack: false, delaySeconds }
}

/** A message the queue gave up on (the dead-letter queue): a delivery is dead, and its endpoint disabled if nothing reaches it. */
export async function consumeDeadLetter({ dispatcher }: Pick<Deps, 'dispatcher'>, message: WebhookMessage): Promise<void> {
  if (message.kind === 'delivery') await dispatcher.deadLetter(message.id)
}

// The queue got an event within seconds of its answer; older ones without a dispatch never reached it.
const SWEEP_GRACE_MS = 10 * 60 * 1000
const SWEEP_PER_RUN = 500

/** The cron job's part: events that never reached the queue are sent again; events past their retention deleted. */
export async function sweepEvents(
  { dispatcher, queue }: Pick<Deps, 'dispatcher' | 'queue'>,
  now: number,
  retentionDays: number,
): Promise<{ resent: number; purged: number }> {
  const missed = await dispatcher.undispatched(new Date(now - SWEEP_GRACE_MS).toISOString(), SWEEP_PER_RUN)
  await publishEvents({ queue }, missed)
  const purged = await dispatcher.purge(new Date(now - retentionDays * 24 * 60 * 60 * 1000).toISOString())
  return { resent: missed.length, purged }
}
