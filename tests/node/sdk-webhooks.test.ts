// The SDK's verifyWebhook against the reference Standard Webhooks package, both ways: what the reference signs, ours
// verifies; what the Worker signs (its own signing code), the reference and ours verify; and every tampering is refused.
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { verifyWebhook, WebhookVerificationError } from '../../generated/client'
import { newWebhookSecret, signWebhook } from '../../src/infrastructure/webhook-delivery'

const event = {
  id: '0d6e1c9a-5b7f-4a3e-9c2d-8f1e0a4b6c7d',
  type: 'post.created',
  timestamp: '2026-11-25T09:30:00.000Z',
  data: { id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80', authorId: '3b241101-e2bb-4255-8caf-4136c566a962', title: 'Ünïcode ✓', body: 'b' },
}
const body = JSON.stringify(event)

function signedByReference(secret: string, at = new Date()) {
  const timestamp = Math.floor(at.getTime() / 1000)
  const signature = new Webhook(secret).sign(event.id, at, body)
  return { 'webhook-id': event.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }
}

async function signedByWorker(secrets: string[], at = Date.now()) {
  const timestamp = Math.floor(at / 1000)
  return {
    'webhook-id': event.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': await signWebhook(secrets, event.id, timestamp, body),
  }
}

describe('verifyWebhook and the reference standardwebhooks package', () => {
  it("verifies the reference's signature, returning the typed event", async () => {
    const secret = newWebhookSecret()
    const verified = await verifyWebhook(body, signedByReference(secret), secret)
    expect(verified).toEqual(event)
    if (verified.type === 'post.created') expect(verified.data.title).toBe('Ünïcode ✓')
  })

  it("the Worker's signature verifies with the reference and with ours, from a Headers object and from bytes too", async () => {
    const secret = newWebhookSecret()
    const headers = await signedByWorker([secret])
    expect(new Webhook(secret).verify(body, headers)).toEqual(event)
    expect(await verifyWebhook(new TextEncoder().encode(body), new Headers(headers), secret)).toEqual(event)
  })

  it('after a rotation either secret verifies (two signatures), with both libraries', async () => {
    const [old, fresh] = [newWebhookSecret(), newWebhookSecret()]
    const headers = await signedByWorker([fresh, old])
    for (const secret of [old, fresh]) {
      expect(new Webhook(secret).verify(body, headers)).toEqual(event)
      expect(await verifyWebhook(body, headers, secret)).toEqual(event)
    }
  })

  it('refuses another secret, a changed body, a changed id, an old timestamp and missing headers, as the reference does', async () => {
    const secret = newWebhookSecret()
    const headers = await signedByWorker([secret])
    const cases: [string, string, Record<string, string>, string][] = [
      ['another secret', body, headers, newWebhookSecret()],
      ['a changed body', body.replace('Ünïcode', 'Unicode'), headers, secret],
      ['a changed id', body, { ...headers, 'webhook-id': 'another-id' }, secret],
      ['no signature', body, { 'webhook-id': event.id, 'webhook-timestamp': headers['webhook-timestamp'] }, secret],
    ]
    for (const [what, text, sent, key] of cases) {
      await expect(verifyWebhook(text, sent, key), what).rejects.toBeInstanceOf(WebhookVerificationError)
      expect(() => new Webhook(key).verify(text, sent), what).toThrow()
    }
    const old = await signedByWorker([secret], Date.now() - 10 * 60 * 1000)
    await expect(verifyWebhook(body, old, secret)).rejects.toThrow(/too far/)
    expect(() => new Webhook(secret).verify(body, old)).toThrow()
  })
})
