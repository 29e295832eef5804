import { and, asc, count, desc, eq, gte, lt, ne, or, sql } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { Guard } from '../../application/ports'
import type { EventFilter, EventLog } from '../../application/webhook-ports'
import type { PageRequest } from '../../domain/page'
import type { EventType, StoredEvent } from '../../domain/webhook'
import { callerId, confirm, readCaller } from './callers'
import { events } from './schema'

const eventColumns = { id: events.id, type: events.type, ownerId: events.userId, data: events.data, createdAt: events.createdAt }
type EventRow = { id: string; type: string; ownerId: string; data: string; createdAt: string }
const toEvent = (row: EventRow): StoredEvent => ({
  ...row,
  type: row.type as EventType,
  data: JSON.parse(row.data) as Record<string, unknown>,
})

export class D1EventLog implements EventLog {
  constructor(private readonly db: DrizzleD1Database) {}

  async list(guard: Guard, { page, pageSize, order, after, type, since, until }: PageRequest<'createdAt'> & EventFilter) {
    // Pings are seen only by their endpoint's owner; every other event by anyone (shaped for them by the use case).
    const visible = or(ne(events.type, 'ping'), eq(events.userId, callerId(this.db, guard.access.principal)))
    const filtered = and(
      visible,
      type ? eq(events.type, type) : undefined,
      since ? gte(events.createdAt, since) : undefined,
      until ? lt(events.createdAt, until) : undefined,
    )
    const position = after
      ? order === 'asc'
        ? sql`(${events.createdAt}, ${events.id}) > (${after.value}, ${after.id})`
        : sql`(${events.createdAt}, ${events.id}) < (${after.value}, ${after.id})`
      : undefined
    const direction = order === 'asc' ? asc : desc
    const [found, rows, [total]] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.db
        .select(eventColumns)
        .from(events)
        .where(and(filtered, position))
        .orderBy(direction(events.createdAt), direction(events.id))
        .limit(pageSize + 1)
        .offset(after ? 0 : (page - 1) * pageSize),
      this.db.select({ n: count() }).from(events).where(filtered),
    ])
    const caller = confirm(found, guard)
    return { items: rows.map(toEvent), total: total?.n ?? 0, reader: { id: caller.user.id, role: caller.user.role } }
  }
}
