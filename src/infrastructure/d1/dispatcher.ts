import { and, asc, eq, gte, inArray, isNull, lt, lte, notExists, sql } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import type { AttemptOutcome, Dispatcher } from '../../application/webhook-ports'
import type { Role } from '../../domain/user'
import type { EventType, WebhookDelivery } from '../../domain/webhook'
import { events, users, webhookDeliveries as deliveries, webhookEndpoints as endpoints } from './schema'

const PURGE_BATCH = 1000
const named = <T>(column: SQLiteColumn, alias: string) => sql<T>`${column}`.as(alias)

/** What the queue's consumer and the cron job read and write; not on behalf of a caller. */
export class D1Dispatcher implements Dispatcher {
  constructor(
    private readonly db: DrizzleD1Database,
    /** Opens a sealed secret; null when it was sealed under another key. */
    private readonly open: (sealed: string) => Promise<string | null>,
  ) {}

  async fanOut(eventId: string) {
    const [event] = await this.db.select({ type: events.type, createdAt: events.createdAt }).from(events).where(eq(events.id, eventId))
    if (!event) return []
    const now = new Date().toISOString()
    // Every enabled endpoint subscribed to the type when the event happened, so a second fan-out makes nothing new.
    // A ping is made with its one delivery.
    const subscribed =
      event.type === 'ping'
        ? []
        : await this.db
            .select({ id: endpoints.id })
            .from(endpoints)
            .where(
              and(
                eq(endpoints.enabled, 1),
                sql`instr(',' || ${endpoints.eventTypes} || ',', ${`,${event.type},`}) > 0`,
                lte(endpoints.createdAt, event.createdAt),
              ),
            )
    const made = subscribed.map(({ id }) => ({
      id: crypto.randomUUID(),
      endpointId: id,
      eventId,
      status: 'pending' as const,
      createdAt: now,
    }))
    // D1 binds at most 100 values a statement: 16 rows of 5 each.
    const inserts = Array.from({ length: Math.ceil(made.length / 16) }, (_, i) =>
      this.db
        .insert(deliveries)
        .values(made.slice(i * 16, i * 16 + 16))
        .onConflictDoNothing(),
    )
    const [first, ...rest] = inserts
    if (first) await this.db.batch([first, ...rest])
    const [pending] = await this.db.batch([
      this.db
        .select({ id: deliveries.id })
        .from(deliveries)
        .where(and(eq(deliveries.eventId, eventId), eq(deliveries.status, 'pending'))),
      this.db.update(events).set({ dispatchedAt: now }).where(eq(events.id, eventId)),
    ])
    return pending.map((row) => row.id)
  }

  async attempt(deliveryId: string, now: number) {
    const [[row]] = await this.db.batch([
      this.db
        // Every column named apart: D1 answers rows as objects keyed by column name (four tables have an id here).
        .select({
          id: named<string>(deliveries.id, 'd_id'),
          attempts: named<number>(deliveries.attempts, 'd_attempts'),
          status: named<WebhookDelivery['status']>(deliveries.status, 'd_status'),
          eventId: named<string>(events.id, 'e_id'),
          type: named<string>(events.type, 'e_type'),
          ownerId: named<string>(events.userId, 'e_user_id'),
          data: named<string>(events.data, 'e_data'),
          eventCreatedAt: named<string>(events.createdAt, 'e_created_at'),
          endpointId: named<string>(endpoints.id, 'w_id'),
          url: named<string>(endpoints.url, 'w_url'),
          enabled: named<number>(endpoints.enabled, 'w_enabled'),
          secret: named<string>(endpoints.secret, 'w_secret'),
          previousSecret: named<string | null>(endpoints.previousSecret, 'w_previous_secret'),
          previousUntil: named<string | null>(endpoints.previousSecretExpiresAt, 'w_previous_until'),
          readerId: named<string>(users.id, 'u_id'),
          readerRole: named<Role>(users.role, 'u_role'),
        })
        .from(deliveries)
        .innerJoin(events, eq(events.id, deliveries.eventId))
        .innerJoin(endpoints, eq(endpoints.id, deliveries.endpointId))
        .innerJoin(users, eq(users.id, endpoints.userId))
        .where(eq(deliveries.id, deliveryId)),
    ])
    if (!row) return null
    const previous = row.previousSecret && row.previousUntil && row.previousUntil > new Date(now).toISOString() ? row.previousSecret : null
    const secrets = (await Promise.all([row.secret, previous].filter((s): s is string => s !== null).map(this.open))).filter(
      (s): s is string => s !== null,
    )
    return {
      delivery: { id: row.id, attempts: row.attempts, status: row.status },
      event: {
        id: row.eventId,
        type: row.type as EventType,
        ownerId: row.ownerId,
        data: JSON.parse(row.data) as Record<string, unknown>,
        createdAt: row.eventCreatedAt,
      },
      endpoint: { id: row.endpointId, url: row.url, enabled: row.enabled === 1, secrets },
      reader: { id: row.readerId, role: row.readerRole },
    }
  }

  async record(deliveryId: string, { ok, statusCode, error }: AttemptOutcome, nextAttemptAt: string | null) {
    const now = new Date().toISOString()
    await this.db
      .update(deliveries)
      .set({
        status: ok ? 'delivered' : 'failed',
        attempts: sql`${deliveries.attempts} + 1`,
        lastStatusCode: statusCode,
        lastError: error,
        nextAttemptAt: ok ? null : nextAttemptAt,
        ...(ok ? { deliveredAt: now } : {}),
      })
      .where(eq(deliveries.id, deliveryId))
  }

  async deadLetter(deliveryId: string) {
    const now = new Date().toISOString()
    const [delivery] = await this.db
      .select({ endpointId: deliveries.endpointId, createdAt: deliveries.createdAt, lastError: deliveries.lastError, type: events.type })
      .from(deliveries)
      .innerJoin(events, eq(events.id, deliveries.eventId))
      .where(eq(deliveries.id, deliveryId))
    if (!delivery) return
    const reached = this.db
      .select({ one: sql`1` })
      .from(deliveries)
      .where(and(eq(deliveries.endpointId, delivery.endpointId), gte(deliveries.deliveredAt, delivery.createdAt)))
    const reason = `Disabled at ${now}: every attempt of the delivery ${deliveryId}, made at ${delivery.createdAt}, failed (the last: ${(delivery.lastError ?? 'no answer').slice(0, 200)}), and nothing reached the endpoint since.`
    const dead = this.db.update(deliveries).set({ status: 'dead', nextAttemptAt: null }).where(eq(deliveries.id, deliveryId))
    // A failed ping disables nothing.
    if (delivery.type === 'ping') return void (await dead)
    await this.db.batch([
      dead,
      // Disabled unless some delivery reached it since this one was made.
      this.db
        .update(endpoints)
        .set({ enabled: 0, disabledReason: reason, version: sql`${endpoints.version} + 1`, updatedAt: now })
        .where(and(eq(endpoints.id, delivery.endpointId), eq(endpoints.enabled, 1), notExists(reached))),
    ])
  }

  async undispatched(before: string, limit: number) {
    const rows = await this.db
      .select({ id: events.id })
      .from(events)
      .where(and(isNull(events.dispatchedAt), lt(events.createdAt, before)))
      .orderBy(asc(events.createdAt))
      .limit(limit)
    return rows.map((row) => row.id)
  }

  async purge(before: string) {
    let deleted = 0
    for (let round = 0; round < 100; round++) {
      const old = this.db.select({ id: events.id }).from(events).where(lt(events.createdAt, before)).limit(PURGE_BATCH)
      const removed = await this.db.delete(events).where(inArray(events.id, old)).returning({ id: events.id })
      deleted += removed.length
      if (removed.length < PURGE_BATCH) break
    }
    return deleted
  }
}
