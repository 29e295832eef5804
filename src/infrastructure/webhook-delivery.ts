import type { AttemptOutcome, WebhookSender } from '../application/webhook-ports'
import { fromBase64, toBase64 } from './bytes'

const encoder = new TextEncoder()

/** A new endpoint secret: `whsec_` and the base64 of 24 random bytes (Standard Webhooks). */
export const newWebhookSecret = () => `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(24)))}`

/**
 * The Standard Webhooks signature of a delivery: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the
 * bytes the secret's base64 (after `whsec_`) spells; one per secret, space-separated.
 */
export async function signWebhook(secrets: string[], id: string, timestamp: number, body: string): Promise<string> {
  const signed = encoder.encode(`${id}.${timestamp}.${body}`)
  const signatures = await Promise.all(
    secrets.map(async (secret) => {
      const raw = fromBase64(secret.replace(/^whsec_/, ''))
      const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      return `v1,${toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, signed)))}`
    }),
  )
  return signatures.join(' ')
}

/** Reads at most `limit` bytes of a body, then stops (the rest is never read), as text. */
async function readSome(response: Response, limit: number): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < limit) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.byteLength
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  const bytes = new Uint8Array(Math.min(size, limit))
  let at = 0
  for (const chunk of chunks) {
    const part = chunk.subarray(0, Math.max(0, bytes.length - at))
    bytes.set(part, at)
    at += part.length
  }
  return new TextDecoder().decode(bytes)
}

/**
 * POSTs a delivery with a timeout, never following a redirect (a 3xx is a failure, so a receiver cannot bounce it to
 * another host), reading at most `maxResponseBytes` of the answer. Whatever the receiver does is an outcome, not a throw.
 */
export function fetchSender(fetcher: typeof fetch, timeoutMs: number, maxResponseBytes: number): WebhookSender {
  return async (url, body, headers): Promise<AttemptOutcome> => {
    let response: Response
    try {
      response = await fetcher(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'user-agent': 'contract-first-api-webhooks/1', ...headers },
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
      return { ok: false, statusCode: null, error: timedOut ? `No answer within ${timeoutMs / 1000} seconds` : 'The connection failed' }
    }
    const excerpt = await readSome(response, maxResponseBytes).catch(() => '')
    if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status, error: null }
    const why =
      response.status >= 300 && response.status < 400
        ? `The receiver answered ${response.status} (a redirect, which is not followed)`
        : `The receiver answered ${response.status}`
    return { ok: false, statusCode: response.status, error: excerpt ? `${why}: ${excerpt}` : why }
  }
}
