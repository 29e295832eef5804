// Events and webhooks end to end, in workerd through the Worker: a write's event rides in its own batch (the outbox), is
// queued after the answer, fanned out by the Worker's queue handler and delivered, signed per Standard Webhooks (checked
// with the reference `standardwebhooks` package), retried with the same webhook-id, dead-lettered, and swept by cron.
import { createScheduledController, env } from 'cloudflare:test'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { call, client, json, register, registerAdmin } from './support/api'
import { faultyD1, sendWith } from './support/faults'
import { capturingQueue, consume, DEAD_QUEUE, endpointFor, MAIN_QUEUE, receiver } from './support/webhooks'

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })
let restore: (() => void) | undefined
afterEach(() => restore?.())

/** A post created through the Worker with a capturing queue: the answer, and what was queued after it. */
async function createPost(token: string, userId: string, queue = capturingQueue()) {
  const response = await sendWith(
    new Request(`http://api.test/api/users/${userId}/posts`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json', 'CF-Connecting-IP': '198.18.9.9' },
      body: JSON.stringify({ title: 'Hooked', body: 'A post that makes an event' }),
    }),
    { WEBHOOK_QUEUE: queue.binding },
  )
  return { response, queued: queue.drain(), post: (await response.json<{ data: { id: string } }>()).data }
}

/** Fans an event out and delivers every delivery it makes, as the queue would, once each; their settlements. */
async function deliver(eventIds: string[], attempts = 1) {
  const queue = capturingQueue()
  await consume(
    MAIN_QUEUE,
    eventIds.map((id) => ({ kind: 'event' as const, id })),
    { WEBHOOK_QUEUE: queue.binding },
  )
  const deliveries = queue.drain()
  return { deliveries, handled: await consume(MAIN_QUEUE, deliveries, { WEBHOOK_QUEUE: queue.binding }, attempts) }
}

const verify = (secret: string, got: { body: string; headers: Record<string, string> }) => new Webhook(secret).verify(got.body, got.headers)

describe('an event, from the write to the receiver', () => {
  it('a post.created is queued after the answer, fanned out, delivered signed (verified by standardwebhooks) and recorded', async () => {
    const rx = receiver()
    restore = rx.restore
    const owner = await register()
    const endpoint = await endpointFor(owner.token, ['post.created'])
    const { response, queued, post } = await createPost(owner.token, owner.user.id)
    expect(response.status).toBe(201)
    expect(queued).toHaveLength(1)
    expect(queued[0]!.kind).toBe('event')

    const { deliveries, handled } = await deliver(queued.map((m) => m.id))
    expect(deliveries.length).toBeGreaterThanOrEqual(1)
    expect(handled.every((h) => h.acked)).toBe(true)
    const [got] = rx.to(endpoint.url)
    expect(got, 'the receiver got the event').toBeDefined()
    expect(got!.redirect).toBe('manual')
    const event = verify(endpoint.secret, got!) as { id: string; type: string; data: { id: string; authorId: string } }
    expect(event).toMatchObject({ id: queued[0]!.id, type: 'post.created', data: { id: post.id, authorId: owner.user.id } })
    expect(got!.headers['webhook-id']).toBe(queued[0]!.id)

    const listed = await client(owner.token).GET('/api/webhook-endpoints/{id}/deliveries', { params: { path: { id: endpoint.id } } })
    expect(listed.data?.data[0]).toMatchObject({ eventId: queued[0]!.id, eventType: 'post.created', status: 'delivered', attempts: 1 })

    // The event log has it too, the same id and data.
    const events = await client(owner.token).GET('/api/events', { params: { query: { type: 'post.created', pageSize: 100 } } })
    expect(events.data?.data.find((e) => e.id === queued[0]!.id)).toMatchObject({ type: 'post.created', data: { id: post.id } })
  })

  it('a second fan-out of the same event makes no second delivery', async () => {
    const rx = receiver()
    restore = rx.restore
    const owner = await register()
    const endpoint = await endpointFor(owner.token, ['post.created'])
    const { queued } = await createPost(owner.token, owner.user.id)
    await deliver(queued.map((m) => m.id))
    await deliver(queued.map((m) => m.id))
    expect(rx.to(endpoint.url)).toHaveLength(1)
  })

  it('a refused write records no event', async () => {
    const [owner, other] = await Promise.all([register(), register()])
    const before = await env.DB.prepare('SELECT count(*) AS n FROM events').first<number>('n')
    const queue = capturingQueue()
    const response = await sendWith(
      new Request(`http://api.test/api/users/${owner.user.id}/posts`, {
        method: 'POST',
        headers: { ...bearer(other.token), 'content-type': 'application/json', 'CF-Connecting-IP': '198.18.9.10' },
        body: JSON.stringify({ title: 'Not mine', body: 'Refused' }),
      }),
      { WEBHOOK_QUEUE: queue.binding },
    )
    expect(response.status).toBe(403)
    expect(await env.DB.prepare('SELECT count(*) AS n FROM events').first<number>('n')).toBe(before)
    expect(queue.sent).toEqual([])
  })
})

describe('retries, dead letters and disabling', () => {
  it('a receiver that fails then recovers gets the same webhook-id again; the schedule comes from configuration', async () => {
    let fail = true
    const rx = receiver(() => new Response('x'.repeat(10_000), { status: fail ? 500 : 200 }))
    restore = rx.restore
    const owner = await register()
    const endpoint = await endpointFor(owner.token, ['post.created'])
    const { queued } = await createPost(owner.token, owner.user.id)
    const first = await deliver(queued.map((m) => m.id))
    expect(rx.to(endpoint.url)).toHaveLength(1)
    const deliveryId = (await env.DB.prepare('SELECT id FROM webhook_deliveries WHERE endpoint_id = ?')
      .bind(endpoint.id)
      .first<{ id: string }>())!.id
    const failed = first.handled[first.deliveries.findIndex((d) => d.id === deliveryId)]!
    // WEBHOOK_RETRY_SCHEDULE is 1,2,3 in the tests: the first failure waits 1 second.
    expect(failed).toEqual({ acked: false, retryDelay: 1 })
    const listed = await client(owner.token).GET('/api/webhook-endpoints/{id}/deliveries', { params: { path: { id: endpoint.id } } })
    const record = listed.data!.data[0]!
    expect(record).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 500 })
    expect(record.nextAttemptAt).not.toBeNull()
    // Only the start of the answer is read and kept.
    expect(record.lastError!.length).toBeLessThan(1200)

    fail = false
    const second = await consume(MAIN_QUEUE, [{ kind: 'delivery', id: deliveryId }], {}, 2)
    expect(second).toEqual([{ acked: true }])
    const [a, b] = rx.to(endpoint.url)
    expect(a!.headers['webhook-id']).toBe(queued[0]!.id)
    expect(b!.headers['webhook-id']).toBe(queued[0]!.id)
    expect(verify(endpoint.secret, b!)).toMatchObject({ id: queued[0]!.id })
    const after = await client(owner.token).GET('/api/webhook-endpoints/{id}/deliveries', { params: { path: { id: endpoint.id } } })
    expect(after.data!.data[0]).toMatchObject({ status: 'delivered', attempts: 2, nextAttemptAt: null })
  })

  it('every attempt failing: the delays grow, the dead-letter queue marks it dead and disables the endpoint, with its reason', async () => {
    const rx = receiver(() => new Response('down', { status: 503 }))
    restore = rx.restore
    const owner = await register()
    const endpoint = await endpointFor(owner.token, ['post.created'])
    const { queued } = await createPost(owner.token, owner.user.id)
    await deliver(queued.map((m) => m.id))
    const { id } = (await env.DB.prepare('SELECT id FROM webhook_deliveries WHERE endpoint_id = ?')
      .bind(endpoint.id)
      .first<{ id: string }>())!
    const delays = []
    for (const attempts of [2, 3, 4]) delays.push((await consume(MAIN_QUEUE, [{ kind: 'delivery', id }], {}, attempts))[0]!.retryDelay)
    expect(delays).toEqual([2, 3, 3])
    // After max_retries the platform moves the message to the dead-letter queue, whose consumer is this Worker too.
    expect(await consume(DEAD_QUEUE, [{ kind: 'delivery', id }])).toEqual([{ acked: true }])
    const shown = await client(owner.token).GET('/api/webhook-endpoints/{id}', { params: { path: { id: endpoint.id } } })
    expect(shown.data!.data.enabled).toBe(false)
    expect(shown.data!.data.disabledReason).toMatch(/failed/)
    const listed = await client(owner.token).GET('/api/webhook-endpoints/{id}/deliveries', { params: { path: { id: endpoint.id } } })
    expect(listed.data!.data[0]).toMatchObject({ status: 'dead', attempts: 4, lastStatusCode: 503 })

    // Disabled: a new event makes no delivery to it; enabled again, it does.
    const next = await createPost(owner.token, owner.user.id)
    const attempted = rx.received.length
    await deliver(next.queued.map((m) => m.id))
    expect(rx.to(endpoint.url)).toHaveLength(4)
    expect(rx.received.length).toBeGreaterThanOrEqual(attempted)
    const etag = shown.response.headers.get('etag')!
    const enabled = await json(
      'PATCH',
      `/api/webhook-endpoints/${endpoint.id}`,
      { enabled: true },
      { ...bearer(owner.token), 'If-Match': etag },
    )
    expect(enabled.status).toBe(200)
    expect(await enabled.json()).toMatchObject({ data: { enabled: true, disabledReason: null } })
  })

  it('a manual retry sends a dead delivery again, with the same webhook-id', async () => {
    const rx = receiver()
    restore = rx.restore
    const owner = await register()
    const endpoint = await endpointFor(owner.token, ['post.created'])
    const ping = await client(owner.token).POST('/api/webhook-endpoints/{id}/ping', { params: { path: { id: endpoint.id } } })
    expect(ping.response.status).toBe(202)
    await env.DB.prepare("UPDATE webhook_deliveries SET status = 'dead' WHERE id = ?").bind(ping.data!.data.id).run()
    const queue = capturingQueue()
    const retried = await sendWith(
      new Request(`http://api.test/api/webhook-endpoints/${endpoint.id}/deliveries/${ping.data!.data.id}/retry`, {
        method: 'POST',
        headers: { ...bearer(owner.token), 'CF-Connecting-IP': '198.18.9.11' },
      }),
      { WEBHOOK_QUEUE: queue.binding },
    )
    expect(retried.status).toBe(202)
    const eventIds = queue.drain().map((m) => m.id)
    expect(eventIds).toEqual([ping.data!.data.eventId])
    await deliver(eventIds)
    const [got] = rx.to(endpoint.url)
    expect(verify(endpoint.secret, got!)).toMatchObject({ id: ping.data!.data.eventId, type: 'ping', data: { endpointId: endpoint.id } })
  })
})

describe('secrets', () => {
  it('after a rotation both secrets sign for 24 hours: a receiver with either verifies', async () => {
    const rx = receiver()
    restore = rx.restore
    const owner = await register()
    const endpoint = await endpointFor(owner.token, ['post.created'])
    const rotated = await client(owner.token).POST('/api/webhook-endpoints/{id}/rotate-secret', { params: { path: { id: endpoint.id } } })
    const fresh = rotated.data!.data.secret
    expect(fresh).toMatch(/^whsec_/)
    expect(fresh).not.toBe(endpoint.secret)
    const { queued } = await createPost(owner.token, owner.user.id)
    await deliver(queued.map((m) => m.id))
    const [got] = rx.to(endpoint.url)
    expect(got!.headers['webhook-signature']!.split(' ')).toHaveLength(2)
    expect(verify(fresh, got!)).toMatchObject({ id: queued[0]!.id })
    expect(verify(endpoint.secret, got!)).toMatchObject({ id: queued[0]!.id })
    // Once the 24 hours are over, only the new one signs.
    await env.DB.prepare("UPDATE webhook_endpoints SET previous_secret_expires_at = '2000-01-01T00:00:00.000Z' WHERE id = ?")
      .bind(endpoint.id)
      .run()
    const later = await createPost(owner.token, owner.user.id)
    await deliver(later.queued.map((m) => m.id))
    const last = rx.to(endpoint.url)[1]!
    expect(last.headers['webhook-signature']!.split(' ')).toHaveLength(1)
    expect(() => verify(endpoint.secret, last)).toThrow()
    expect(verify(fresh, last)).toBeDefined()
  })

  it('the secret is stored sealed and never shown again', async () => {
    const owner = await register()
    const endpoint = await endpointFor(owner.token, ['post.created'])
    const row = await env.DB.prepare('SELECT secret FROM webhook_endpoints WHERE id = ?').bind(endpoint.id).first<{ secret: string }>()
    expect(row!.secret).not.toContain(endpoint.secret.slice(6))
    const shown = await call(`/api/webhook-endpoints/${endpoint.id}`, { headers: bearer(owner.token) })
    expect(await shown.text()).not.toContain(endpoint.secret)
  })
})

describe('what each endpoint hears', () => {
  it('exactly the subscribed types', async () => {
    const rx = receiver()
    restore = rx.restore
    const owner = await register()
    const updates = await endpointFor(owner.token, ['post.updated'])
    const { queued, post } = await createPost(owner.token, owner.user.id)
    await deliver(queued.map((m) => m.id))
    expect(rx.to(updates.url)).toHaveLength(0)
    const queue = capturingQueue()
    await sendWith(
      new Request(`http://api.test/api/users/${owner.user.id}/posts/${post.id}`, {
        method: 'PATCH',
        headers: { ...bearer(owner.token), 'content-type': 'application/json', 'If-Match': '*', 'CF-Connecting-IP': '198.18.9.12' },
        body: JSON.stringify({ title: 'Changed' }),
      }),
      { WEBHOOK_QUEUE: queue.binding },
    )
    await deliver(queue.drain().map((m) => m.id))
    const [got] = rx.to(updates.url)
    expect(verify(updates.secret, got!)).toMatchObject({ type: 'post.updated', data: { id: post.id, title: 'Changed' } })
  })

  it("another user's changes only as the public sees them; the user and an admin see them whole", async () => {
    const rx = receiver()
    restore = rx.restore
    const [subject, stranger] = await Promise.all([register(), register()])
    const admin = await registerAdmin()
    const [own, strangers, admins] = await Promise.all([
      endpointFor(subject.token, ['user.updated']),
      endpointFor(stranger.token, ['user.updated']),
      endpointFor(admin.token, ['user.updated']),
    ])
    const queue = capturingQueue()
    const changed = await sendWith(
      new Request(`http://api.test/api/users/${subject.user.id}`, {
        method: 'PATCH',
        headers: { ...bearer(subject.token), 'content-type': 'application/json', 'If-Match': '*', 'CF-Connecting-IP': '198.18.9.13' },
        body: JSON.stringify({ name: 'Renamed' }),
      }),
      { WEBHOOK_QUEUE: queue.binding },
    )
    expect(changed.status).toBe(200)
    await deliver(queue.drain().map((m) => m.id))
    const data = (endpoint: { url: string; secret: string }) => (verify(endpoint.secret, rx.to(endpoint.url)[0]!) as { data: object }).data
    expect(data(own)).toMatchObject({ id: subject.user.id, name: 'Renamed', email: subject.user.email })
    expect(data(admins)).toMatchObject({ email: subject.user.email })
    expect(data(strangers)).toMatchObject({ id: subject.user.id, name: 'Renamed' })
    expect(data(strangers)).not.toHaveProperty('email')
    expect(rx.to(strangers.url)[0]!.body).not.toContain(subject.user.email)
    // The event log says the same.
    const log = await client(stranger.token).GET('/api/events', { params: { query: { type: 'user.updated', pageSize: 100 } } })
    expect(JSON.stringify(log.data)).not.toContain(subject.user.email)
  })

  it("another user's pings are not theirs to see, nor their endpoints", async () => {
    const [owner, other] = await Promise.all([register(), register()])
    const endpoint = await endpointFor(owner.token, ['post.created'])
    await client(owner.token).POST('/api/webhook-endpoints/{id}/ping', { params: { path: { id: endpoint.id } } })
    const log = await client(other.token).GET('/api/events', { params: { query: { type: 'ping', pageSize: 100 } } })
    expect(JSON.stringify(log.data!.data)).not.toContain(endpoint.id)
    const theirs = await call(`/api/webhook-endpoints/${endpoint.id}/deliveries`, { headers: bearer(other.token) })
    expect(theirs.status).toBe(404)
  })
})

describe('endpoint URLs that could reach inside (SSRF)', () => {
  const refused = [
    'http://receiver.example/plain-http',
    'https://user:password@receiver.example/credentials',
    'https://localhost/hooks',
    'https://api.localhost/hooks',
    'https://127.0.0.1/hooks',
    'https://10.1.2.3/hooks',
    'https://172.16.0.1/hooks',
    'https://192.168.1.1/hooks',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/hooks',
    'https://0.0.0.0/hooks',
    'https://[::1]/hooks',
    'https://[fd00::1]/hooks',
    'https://[fe80::1]/hooks',
    'https://[::ffff:127.0.0.1]/hooks',
    'ftp://receiver.example/hooks',
    'https://93.184.216.34/hooks',
  ]
  it.each(refused)('%s -> 400 VALIDATION_ERROR, on create and on update', async (url) => {
    const owner = await register()
    const created = await json(
      'POST',
      '/api/webhook-endpoints',
      { url, eventTypes: ['post.created'], description: 'x' },
      bearer(owner.token),
    )
    expect(created.status).toBe(400)
    expect((await created.json<{ error: { code: string } }>()).error.code).toBe('VALIDATION_ERROR')
    const endpoint = await endpointFor(owner.token, ['post.created'])
    const updated = await json('PATCH', `/api/webhook-endpoints/${endpoint.id}`, { url }, { ...bearer(owner.token), 'If-Match': '*' })
    expect(updated.status).toBe(400)
  })

  it('a receiver that redirects is not followed: the delivery fails and says why', async () => {
    const rx = receiver(() => new Response(null, { status: 302, headers: { Location: 'http://169.254.169.254/' } }))
    restore = rx.restore
    const owner = await register()
    const endpoint = await endpointFor(owner.token, ['post.created'])
    const { queued } = await createPost(owner.token, owner.user.id)
    await deliver(queued.map((m) => m.id))
    expect(rx.to(endpoint.url)).toHaveLength(1)
    expect(rx.received.some((r) => r.url.startsWith('http://169.254'))).toBe(false)
    const listed = await client(owner.token).GET('/api/webhook-endpoints/{id}/deliveries', { params: { path: { id: endpoint.id } } })
    expect(listed.data!.data[0]).toMatchObject({ status: 'failed', lastStatusCode: 302 })
    expect(listed.data!.data[0]!.lastError).toMatch(/redirect/)
  })

  it('at most 10 endpoints per user', async () => {
    const owner = await register()
    for (let n = 0; n < 10; n++) await endpointFor(owner.token, ['post.created'])
    const more = await json(
      'POST',
      '/api/webhook-endpoints',
      { url: 'https://receiver.example/eleventh', eventTypes: ['post.created'], description: 'x' },
      bearer(owner.token),
    )
    expect(more.status).toBe(409)
  })
})

describe('the outbox sweep', () => {
  it('an event whose queue send failed after the answer is sent by the cron job; events past 30 days are purged', async () => {
    const owner = await register()
    const { response, queued, post } = await createPost(owner.token, owner.user.id, capturingQueue({ failing: true }))
    expect(response.status).toBe(201)
    expect(queued).toEqual([])
    const event = await env.DB.prepare("SELECT id, dispatched_at FROM events WHERE type = 'post.created' AND data LIKE ?")
      .bind(`%${post.id}%`)
      .first<{ id: string; dispatched_at: string | null }>()
    expect(event!.dispatched_at).toBeNull()
    // Ten minutes later (the grace the sweep leaves the request's own send), and an event older than 30 days.
    await env.DB.prepare("UPDATE events SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-11 minutes') WHERE id = ?")
      .bind(event!.id)
      .run()
    const old = crypto.randomUUID()
    await env.DB.prepare(
      "INSERT INTO events (id, type, user_id, data, created_at, dispatched_at) VALUES (?, 'post.deleted', ?, '{}', ?, ?)",
    )
      .bind(old, owner.user.id, '2000-01-01T00:00:00.000Z', '2000-01-01T00:00:00.000Z')
      .run()
    const queue = capturingQueue()
    await worker.scheduled(createScheduledController({ cron: '17 * * * *', scheduledTime: Date.now() }), {
      ...env,
      WEBHOOK_QUEUE: queue.binding,
    })
    expect(queue.sent).toContainEqual({ kind: 'event', id: event!.id })
    expect(await env.DB.prepare('SELECT count(*) AS n FROM events WHERE id = ?').bind(old).first('n')).toBe(0)
    // Once fanned out, it is not sent again.
    await deliver([event!.id])
    const again = capturingQueue()
    await worker.scheduled(createScheduledController({ cron: '17 * * * *', scheduledTime: Date.now() }), {
      ...env,
      WEBHOOK_QUEUE: again.binding,
    })
    expect(again.sent).not.toContainEqual({ kind: 'event', id: event!.id })
  })
})

describe('the consumer when D1 fails', () => {
  it('each D1 round trip of a fan-out and of a delivery failed in turn (before or after commit): the message is retried, and in the end the receiver has the event, once per successful attempt, never lost', async () => {
    const rx = receiver()
    restore = rx.restore
    const owner = await register()
    const endpoint = await endpointFor(owner.token, ['post.created'])
    for (const fault of ['before', 'after'] as const) {
      for (let trip = 0; trip < 3; trip++) {
        const { queued } = await createPost(owner.token, owner.user.id)
        const queue = capturingQueue()
        const failing = faultyD1((index) => (index === trip ? fault : undefined))
        // The fan-out (its reads and its batch) with one trip failed, then again on a healthy platform, as the queue retries.
        const first = await consume(MAIN_QUEUE, [{ kind: 'event', id: queued[0]!.id }], {
          DB: failing.binding,
          WEBHOOK_QUEUE: queue.binding,
        })
        if (trip < failing.trips.length) expect(first[0]!.acked, `fan-out, trip ${trip} failed ${fault}`).toBe(false)
        if (!first[0]!.acked) await consume(MAIN_QUEUE, [{ kind: 'event', id: queued[0]!.id }], { WEBHOOK_QUEUE: queue.binding }, 2)
        const deliveryIds = [...new Set(queue.drain().map((m) => m.id))]
        const mine = await env.DB.prepare('SELECT id FROM webhook_deliveries WHERE endpoint_id = ? AND event_id = ?')
          .bind(endpoint.id, queued[0]!.id)
          .first<{ id: string }>()
        expect(deliveryIds, 'its delivery was queued').toContain(mine!.id)
        // The delivery with one trip failed, then retried.
        const before = rx.to(endpoint.url).length
        const attempt = await consume(MAIN_QUEUE, [{ kind: 'delivery', id: mine!.id }], {
          DB: faultyD1((i) => (i === trip ? fault : undefined)).binding,
        })
        if (!attempt[0]!.acked) await consume(MAIN_QUEUE, [{ kind: 'delivery', id: mine!.id }], {}, 2)
        const got = rx.to(endpoint.url).slice(before)
        expect(got.length, `delivery, trip ${trip} failed ${fault}`).toBeGreaterThanOrEqual(1)
        expect(got.every((r) => r.headers['webhook-id'] === queued[0]!.id)).toBe(true)
        const row = await env.DB.prepare('SELECT status FROM webhook_deliveries WHERE id = ?').bind(mine!.id).first<{ status: string }>()
        expect(row!.status).toBe('delivered')
      }
    }
  })
})
