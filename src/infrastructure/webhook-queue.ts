import type { EventQueue, WebhookMessage } from '../application/webhook-ports'

// A queue takes at most 100 messages a sendBatch.
const BATCH = 100

/** The Cloudflare Queue the webhook messages travel on. */
export function cloudflareQueue(binding: Queue<WebhookMessage>): EventQueue {
  return {
    async send(messages, delaySeconds) {
      for (let at = 0; at < messages.length; at += BATCH) {
        await binding.sendBatch(
          messages.slice(at, at + BATCH).map((body) => ({ body, contentType: 'json' as const, ...(delaySeconds ? { delaySeconds } : {}) })),
        )
      }
    },
  }
}
