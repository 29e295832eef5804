// Webhooks through the Worker: a queue binding that keeps what the Worker sends, the Worker's own queue handler fed
// with those messages as the platform would, and a receiver standing in for the integrator's HTTPS endpoint.
import { env } from 'cloudflare:test'
import { vi } from 'vitest'
import worker from '../../../src/index'
import { client } from './api'

type Message = { kind: 'event' | 'delivery'; id: string }

/** A WEBHOOK_QUEUE binding that keeps every message sent (or throws, when `failing`). */
export function capturingQueue({ failing = false } = {}) {
  const sent: Message[] = []
  const take = (body: unknown) => {
    if (failing) throw new Error('Queue send failed')
    sent.push(body as Message)
  }
  const binding = {
    send: async (body: unknown) => take(body),
    sendBatch: async (messages: Iterable<{ body: unknown }>) => {
      for (const message of messages) take(message.body)
    },
  }
  /** The messages sent since the last call, and forgets them. */
  const drain = () => sent.splice(0, sent.length)
  return { binding: binding as unknown as Queue, sent, drain }
}

export interface Handled {
  acked: boolean
  retryDelay?: number | undefined
}

/** Runs the Worker's queue handler on these messages (each at this attempt) as `queue` delivers them; how each was settled. */
export async function consume(queue: string, messages: Message[], bindings: Partial<Env> = {}, attempts = 1): Promise<Handled[]> {
  const handled: Handled[] = messages.map(() => ({ acked: false }))
  const batch = {
    queue,
    messages: messages.map((body, index) => ({
      id: `message-${index}`,
      timestamp: new Date(),
      body,
      attempts,
      ack: () => void (handled[index]!.acked = true),
      retry: (options?: { delaySeconds?: number }) => void (handled[index]!.retryDelay = options?.delaySeconds ?? 0),
    })),
    ackAll: () => undefined,
    retryAll: () => undefined,
  } as unknown as MessageBatch<unknown>
  await worker.queue(batch, { ...env, ...bindings } as Env)
  return handled
}

export const MAIN_QUEUE = 'contract-first-api-webhooks-dev'
export const DEAD_QUEUE = 'contract-first-api-webhooks-dev-dead'

export interface Received {
  url: string
  headers: Record<string, string>
  body: string
  redirect: string | undefined
}

/**
 * The integrator's receiver: every fetch to https://receiver.example/ is answered here (with `answer`'s response) and
 * kept; any other fetch goes on as it would. Restored by `restore`.
 */
export function receiver(answer: (request: Received) => Response = () => new Response('ok')) {
  const received: Received[] = []
  const original = globalThis.fetch
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init)
    if (!request.url.startsWith('https://receiver.example/')) return original(input, init)
    const got = {
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
      redirect: init?.redirect,
    }
    received.push(got)
    return answer(got)
  })
  return { received, restore: () => spy.mockRestore(), to: (url: string) => received.filter((r) => r.url === url) }
}

/** A fresh receiver URL and an endpoint of this user's subscribed to `types` there, with its secret. */
export async function endpointFor(token: string, eventTypes: string[]) {
  const url = `https://receiver.example/${crypto.randomUUID()}`
  const { data, response } = await client(token).POST('/api/webhook-endpoints', {
    body: { url, eventTypes: eventTypes as ['post.created'], description: 'Test receiver' },
  })
  if (!data) throw new Error(`could not create an endpoint: ${response.status}`)
  return { id: data.data.id, url, secret: data.data.secret }
}
