// Receiving this API's webhooks: verifies a delivery's Standard Webhooks signature with WebCrypto (no dependency) and
// returns the event, typed by the document's `webhooks`.
import type { components } from './schema.js'

/** Any event a webhook endpoint receives, told apart by `type`. */
export type WebhookEvent = components['schemas']['Event']

/** The delivery is not one this API signed with this secret (or is too old, or malformed): answer 400 and drop it. */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError'
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1]
  return Array.isArray(found) ? found[0] : found
}

const encoder = new TextEncoder()

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text)
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** Compares without returning early, so the time taken says nothing about how much matched. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}

export interface VerifyOptions {
  /** How far the delivery's `webhook-timestamp` may be from now, in seconds (default 300). */
  toleranceSeconds?: number
  /** Now, in epoch milliseconds (for tests). */
  now?: number
}

/**
 * Checks a delivery and returns its event. `rawBody` must be the body exactly as received (not parsed and re-serialised);
 * `secret` is the endpoint's `whsec_…`. Any one of the `webhook-signature` entries matching is enough (after a rotation
 * there are two). Throws WebhookVerificationError otherwise. Deduplicate by `event.id` (the `webhook-id`).
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array | ArrayBuffer,
  headers: HeaderSource,
  secret: string,
  { toleranceSeconds = 300, now = Date.now() }: VerifyOptions = {},
): Promise<WebhookEvent> {
  const id = header(headers, 'webhook-id')
  const timestamp = header(headers, 'webhook-timestamp')
  const signatures = header(headers, 'webhook-signature')
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature')
  if (!/^[0-9]{1,12}$/.test(timestamp)) throw new WebhookVerificationError('webhook-timestamp is not a number of seconds')
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds)
    throw new WebhookVerificationError('webhook-timestamp is too far from now')
  const body = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody)
  let key: CryptoKey
  try {
    key = await crypto.subtle.importKey('raw', fromBase64(secret.replace(/^whsec_/, '')), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ])
  } catch {
    throw new WebhookVerificationError('The secret is not a whsec_ secret')
  }
  const expected = toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`${id}.${timestamp}.${body}`))))
  const matched = signatures.split(' ').some((entry) => entry.startsWith('v1,') && sameText(entry.slice(3), expected))
  if (!matched) throw new WebhookVerificationError('No signature matches this secret')
  let event: unknown
  try {
    event = JSON.parse(body)
  } catch {
    throw new WebhookVerificationError('The body is not JSON')
  }
  if (typeof event !== 'object' || event === null || (event as { id?: unknown }).id !== id) {
    throw new WebhookVerificationError('The body is not the event webhook-id names')
  }
  return event as WebhookEvent
}
