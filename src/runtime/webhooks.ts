import { drizzle } from 'drizzle-orm/d1'
import { consume, consumeDeadLetter } from '../application/dispatch'
import type { WebhookMessage } from '../application/webhook-ports'
import { DEFAULT_RETRY_SCHEDULE, DELIVERY_TIMEOUT_MS, MAX_RESPONSE_BYTES, retryDelay } from '../domain/webhook'
import { D1Dispatcher } from '../infrastructure/d1/dispatcher'
import { idempotencySealer } from '../infrastructure/sealing'
import { fetchSender, signWebhook } from '../infrastructure/webhook-delivery'
import { cloudflareQueue } from '../infrastructure/webhook-queue'
import { type Config, requireConfig } from './config'
import { createLogger, loggableError } from './logger'

const isMessage = (body: unknown): body is WebhookMessage =>
  typeof body === 'object' &&
  body !== null &&
  'kind' in body &&
  (body.kind === 'event' || body.kind === 'delivery') &&
  'id' in body &&
  typeof body.id === 'string'

/** What the consumer needs, from the validated bindings. */
export function dispatchDeps(config: Config) {
  return {
    dispatcher: new D1Dispatcher(drizzle(config.DB), idempotencySealer(config.JWT_SECRET).open),
    queue: cloudflareQueue(config.WEBHOOK_QUEUE as Queue<WebhookMessage>),
    // Looked up at each call: the platform's fetch, never following redirects, bounded in time and in what it reads.
    send: fetchSender((input, init) => fetch(input, init), DELIVERY_TIMEOUT_MS, MAX_RESPONSE_BYTES),
    sign: signWebhook,
    schedule: config.WEBHOOK_RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE,
  }
}

/**
 * The queue handler (src/index.ts): the webhook queue's messages are fanned out and delivered, each acknowledged or
 * retried after its delay on its own; the dead-letter queue's mark deliveries dead (and may disable their endpoint).
 * Nothing about a receiver's URL or secret is logged.
 */
// Imported on demand by src/index.ts, which the unused-export check does not follow.
// ts-unused-exports:disable-next-line
export async function runQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = requireConfig(env)
  const logger = createLogger(config.LOG_LEVEL, { queue: batch.queue })
  const deps = dispatchDeps(config)
  const dead = batch.queue.endsWith('-dead')
  for (const message of batch.messages) {
    const body = message.body
    if (!isMessage(body)) {
      logger.error('webhook.message_unknown', { messageId: message.id })
      message.ack()
      continue
    }
    try {
      if (dead) {
        await consumeDeadLetter(deps, body)
        logger.warn('webhook.dead_lettered', { kind: body.kind, id: body.id })
        message.ack()
        continue
      }
      const disposition = await consume(deps, body, message.attempts)
      if (disposition.ack) message.ack()
      else {
        logger.info('webhook.delivery_failed', { deliveryId: body.id, attempts: message.attempts, retryIn: disposition.delaySeconds })
        message.retry({ delaySeconds: disposition.delaySeconds })
      }
    } catch (error) {
      logger.error('webhook.consume_failed', { kind: body.kind, id: body.id, ...loggableError(error) })
      message.retry({ delaySeconds: retryDelay(deps.schedule, message.attempts) })
    }
  }
}
