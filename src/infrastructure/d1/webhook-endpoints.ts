import { and, count, eq, exists, inArray, lt, or, sql, type SQL } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { Claim } from '../../application/idempotency'
import type { Guard } from '../../application/ports'
import type { EndpointChanges, NewEndpoint, WebhookEndpointRepository } from '../../application/webhook-ports'
import { preconditionFailed } from '../../domain/errors'
import type { PageRequest } from '../../domain/page'
import type { SubscribableType, WebhookEndpoint } from '../../domain/webhook'
import { allowed, callerId, confirm, readCaller } from './callers'
import { claimGuard } from './claims'
import { rowWhere } from './insert-where'
import { webhookEndpoints as endpoints } from './schema'

const endpointColumns = {
  id: endpoints.id,
  userId: endpoints.userId,
  url: endpoints.url,
  description: endpoints.description,
  eventTypes: endpoints.eventTypes,
  enabled: endpoints.enabled,
  disabledReason: endpoints.disabledReason,
  previousSecretExpiresAt: endpoints.previousSecretExpiresAt,
  version: endpoints.version,
  createdAt: endpoints.createdAt,
  updatedAt: endpoints.updatedAt,
}

type EndpointRow = Omit<WebhookEndpoint, 'eventTypes' | 'enabled'> & { eventTypes: string; enabled: number }
const toEndpoint = ({ eventTypes, enabled, ...row }: EndpointRow): WebhookEndpoint => ({
  ...row,
  eventTypes: eventTypes.split(',') as SubscribableType[],
  enabled: enabled === 1,
})

/** The caller's endpoint with this id (at one of these versions, when given). */
export const ownEndpoint = (db: DrizzleD1Database, guard: Guard, id: string, ifVersion?: number[]): SQL =>
  and(
    eq(endpoints.id, id),
    eq(endpoints.userId, callerId(db, guard.access.principal)),
    ifVersion ? inArray(endpoints.version, ifVersion) : undefined,
  )!

export class D1WebhookEndpointRepository implements WebhookEndpointRepository {
  constructor(
    private readonly db: DrizzleD1Database,
    private readonly seal: (secret: string) => Promise<string>,
    private readonly claim: () => Claim | undefined = () => undefined,
  ) {}

  async create(guard: Guard, { url, description, eventTypes, secret }: NewEndpoint, max: number) {
    const userId = callerId(this.db, guard.access.principal)
    const now = new Date().toISOString()
    const sealed = await this.seal(secret)
    const row = {
      id: crypto.randomUUID(),
      userId,
      url,
      description,
      eventTypes: eventTypes.join(','),
      secret: sealed,
      previousSecret: null,
      previousSecretExpiresAt: null,
      enabled: 1,
      disabledReason: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    }
    const owned = this.db.select({ n: count() }).from(endpoints).where(eq(endpoints.userId, userId))
    const claim = this.claim()
    const claimed = claimGuard(
      this.db,
      claim,
      exists(this.db.select({ id: endpoints.id }).from(endpoints).where(eq(endpoints.id, row.id))),
      { id: row.id, ...(claim ? { secret: sealed } : {}) },
    )
    const [found, [created], , held] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.db
        .insert(endpoints)
        .select(rowWhere(endpoints, row, and(allowed(this.db, guard), lt(sql`(${owned})`, max), claimed.holds)))
        .returning(endpointColumns),
      claimed.record,
      claimed.check,
    ])
    confirm(found, guard)
    claimed.verify(held)
    return created ? toEndpoint(created) : null
  }

  async find(guard: Guard, id: string) {
    const [found, [row]] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.db
        .select(endpointColumns)
        .from(endpoints)
        .where(ownEndpoint(this.db, guard, id)),
    ])
    confirm(found, guard)
    return row ? toEndpoint(row) : null
  }

  async list(guard: Guard, { page, pageSize, after }: PageRequest<'createdAt'>) {
    const mine = eq(endpoints.userId, callerId(this.db, guard.access.principal))
    const position = after
      ? or(lt(endpoints.createdAt, after.value), and(eq(endpoints.createdAt, after.value), lt(endpoints.id, after.id)))
      : undefined
    const [found, rows, [total]] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.db
        .select(endpointColumns)
        .from(endpoints)
        .where(and(mine, position))
        .orderBy(sql`${endpoints.createdAt} desc, ${endpoints.id} desc`)
        .limit(pageSize + 1)
        .offset(after ? 0 : (page - 1) * pageSize),
      this.db.select({ n: count() }).from(endpoints).where(mine),
    ])
    confirm(found, guard)
    return { items: rows.map(toEndpoint), total: total?.n ?? 0 }
  }

  /** A guarded write of the caller's endpoint, told apart from a missing one (404) and a stale If-Match (412). */
  private async write(guard: Guard, id: string, values: Record<string, unknown>, ifVersion?: number[]) {
    const [found, [row], [current]] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.db
        .update(endpoints)
        .set({ ...values, version: sql`${endpoints.version} + 1`, updatedAt: new Date().toISOString() })
        .where(and(ownEndpoint(this.db, guard, id, ifVersion), allowed(this.db, guard)))
        .returning(endpointColumns),
      this.db
        .select({ id: endpoints.id })
        .from(endpoints)
        .where(ownEndpoint(this.db, guard, id)),
    ])
    confirm(found, guard)
    if (row) return toEndpoint(row)
    if (current) throw preconditionFailed()
    return null
  }

  async update(guard: Guard, id: string, { url, description, eventTypes, enabled }: EndpointChanges, ifVersion?: number[]) {
    return this.write(
      guard,
      id,
      {
        url,
        description,
        eventTypes: eventTypes?.join(','),
        ...(enabled === undefined ? {} : { enabled: enabled ? 1 : 0, disabledReason: null }),
      },
      ifVersion,
    )
  }

  async rotate(guard: Guard, id: string, secret: string, previousUntil: string) {
    const values = { previousSecret: sql`${endpoints.secret}`, previousSecretExpiresAt: previousUntil, secret: await this.seal(secret) }
    return this.write(guard, id, values)
  }

  async delete(guard: Guard, id: string, ifVersion?: number[]) {
    const [found, removed, [remaining]] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.db
        .delete(endpoints)
        .where(and(ownEndpoint(this.db, guard, id, ifVersion), allowed(this.db, guard)))
        .returning({ id: endpoints.id }),
      this.db
        .select({ id: endpoints.id })
        .from(endpoints)
        .where(ownEndpoint(this.db, guard, id)),
    ])
    confirm(found, guard)
    if (removed.length) return true
    if (remaining) throw preconditionFailed()
    return false
  }
}
