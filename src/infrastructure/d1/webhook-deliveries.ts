import { and, count, eq, exists, lt, or, sql } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { Guard } from '../../application/ports'
import type { Outbox, WebhookDeliveryRepository } from '../../application/webhook-ports'
import type { PageRequest } from '../../domain/page'
import type { WebhookDelivery } from '../../domain/webhook'
import { allowed, callerId, confirm, readCaller } from './callers'
import { rowWhere } from './insert-where'
import { events, webhookDeliveries as deliveries, webhookEndpoints as endpoints } from './schema'
import { ownEndpoint } from './webhook-endpoints'

const rowColumns = {
  id: deliveries.id,
  endpointId: deliveries.endpointId,
  eventId: deliveries.eventId,
  status: deliveries.status,
  attempts: deliveries.attempts,
  lastStatusCode: deliveries.lastStatusCode,
  lastError: deliveries.lastError,
  nextAttemptAt: deliveries.nextAttemptAt,
  deliveredAt: deliveries.deliveredAt,
  createdAt: deliveries.createdAt,
}
/** A delivery with its event's type (joined: RETURNING reads only the table it writes). */
const deliveryColumns = { ...rowColumns, eventType: sql<WebhookDelivery['eventType']>`${events.type}` }

export class D1WebhookDeliveryRepository implements WebhookDeliveryRepository {
  constructor(
    private readonly db: DrizzleD1Database,
    private readonly outbox: Outbox,
  ) {}

  private endpointOf(guard: Guard, endpointId: string) {
    return this.db
      .select({ id: endpoints.id })
      .from(endpoints)
      .where(ownEndpoint(this.db, guard, endpointId))
  }

  async ping(guard: Guard, endpointId: string) {
    const now = new Date().toISOString()
    const eventId = crypto.randomUUID()
    const id = crypto.randomUUID()
    const mine = and(exists(this.endpointOf(guard, endpointId)), allowed(this.db, guard))
    const event = { id: eventId, type: 'ping', userId: callerId(this.db, guard.access.principal), data: JSON.stringify({ endpointId }) }
    const delivery = { id, endpointId, eventId, status: 'pending' as const, attempts: 0 }
    const empty = { lastStatusCode: null, lastError: null, nextAttemptAt: null, deliveredAt: null }
    const [found, , [made]] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.db.insert(events).select(rowWhere(events, { ...event, createdAt: now, dispatchedAt: null }, mine)),
      this.db
        .insert(deliveries)
        .select(
          rowWhere(
            deliveries,
            { ...delivery, ...empty, createdAt: now },
            exists(this.db.select().from(events).where(eq(events.id, eventId))),
          ),
        )
        .returning(rowColumns),
    ])
    confirm(found, guard)
    if (!made) return null
    this.outbox.record(eventId)
    return { ...made, eventType: 'ping' as const }
  }

  async list(guard: Guard, endpointId: string, { page, pageSize, after }: PageRequest<'createdAt'>) {
    const position = after
      ? or(lt(deliveries.createdAt, after.value), and(eq(deliveries.createdAt, after.value), lt(deliveries.id, after.id)))
      : undefined
    const theirs = and(eq(deliveries.endpointId, endpointId), exists(this.endpointOf(guard, endpointId)))
    const [found, [endpoint], rows, [total]] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.endpointOf(guard, endpointId),
      this.db
        .select(deliveryColumns)
        .from(deliveries)
        .innerJoin(events, eq(events.id, deliveries.eventId))
        .where(and(theirs, position))
        .orderBy(sql`${deliveries.createdAt} desc, ${deliveries.id} desc`)
        .limit(pageSize + 1)
        .offset(after ? 0 : (page - 1) * pageSize),
      this.db.select({ n: count() }).from(deliveries).where(theirs),
    ])
    confirm(found, guard)
    return endpoint ? { items: rows, total: total?.n ?? 0 } : null
  }

  async retry(guard: Guard, endpointId: string, deliveryId: string) {
    const theirs = and(
      eq(deliveries.id, deliveryId),
      eq(deliveries.endpointId, endpointId),
      exists(this.endpointOf(guard, endpointId)),
      allowed(this.db, guard),
    )
    const [found, [retried], [event]] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.db.update(deliveries).set({ status: 'pending', nextAttemptAt: null }).where(theirs).returning(rowColumns),
      // Its event is dispatched again (the consumer sends every pending delivery of an event; the cron job re-sends it
      // if the queue never got it).
      this.db
        .update(events)
        .set({ dispatchedAt: null })
        .where(
          and(
            eq(events.id, sql`(select ${deliveries.eventId} from ${deliveries} where ${deliveries.id} = ${deliveryId})`),
            exists(this.db.select().from(deliveries).where(theirs)),
          ),
        )
        .returning({ id: events.id, type: events.type }),
    ])
    confirm(found, guard)
    if (!retried || !event) return null
    this.outbox.record(event.id)
    return { ...retried, eventType: event.type as WebhookDelivery['eventType'] }
  }
}
