import { and, count, eq, exists, isNull, lt, or, sql, type SQL } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { ApiKeyRepository, Guard, NewApiKey } from '../../application/ports'
import type { Claim } from '../../application/idempotency'
import type { ApiKey, KeyScope } from '../../domain/api-key'
import type { PageRequest } from '../../domain/page'
import { allowed, callerId, confirm, readCaller } from './callers'
import { rowWhere } from './insert-where'
import { claimGuard } from './claims'
import { alias } from 'drizzle-orm/sqlite-core'
import { apiKeys } from './schema'

const keyColumns = {
  id: apiKeys.id,
  userId: apiKeys.userId,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  last4: apiKeys.last4,
  scopes: apiKeys.scopes,
  createdAt: apiKeys.createdAt,
  expiresAt: apiKeys.expiresAt,
  lastUsedAt: apiKeys.lastUsedAt,
}

type KeyRow = Omit<ApiKey, 'scopes'> & { scopes: string }
const toKey = ({ scopes, ...row }: KeyRow): ApiKey => ({ ...row, scopes: scopes.split(',') as KeyScope[] })
const activeOf = (userId: SQL) => and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt))

/** How long a revoked or expired key is kept (it is no longer listed or accepted) before the cron deletes it. */
const ENDED_KEPT_DAYS = 30

const parent = alias(apiKeys, 'parent')
const target = alias(apiKeys, 'target')

/**
 * A new key's parent and expiry. A key made by a key is that key's child, and expires no later than it: the earlier of
 * the two expiries, where null is never (SQLite's min() of a NULL is NULL, hence the coalesce).
 */
function lineage(db: DrizzleD1Database, principal: Guard['access']['principal'], expiresAt: string | null) {
  if (principal.kind === 'token') return { parentKeyId: null, expiresAt }
  const of = (value: SQL) => sql`(${db.select({ value }).from(parent).where(eq(parent.hash, principal.hash))})`
  return {
    parentKeyId: of(sql`${parent.id}`),
    expiresAt: of(sql`coalesce(min(${parent.expiresAt}, ${expiresAt}), ${parent.expiresAt}, ${expiresAt})`),
  }
}

/** The key and every key it created, and theirs (parent_key_id's tree): revoked together. */
const treeOf = (id: string) =>
  sql`${apiKeys.id} in (with recursive tree(id) as (select ${id} union select k.id from api_keys k join tree on k.parent_key_id = tree.id) select id from tree)`

export class D1ApiKeyRepository implements ApiKeyRepository {
  constructor(
    private readonly db: DrizzleD1Database,
    /** The request's claim on its Idempotency-Key, if it has one: a create records its outcome with it. */
    private readonly claim: () => Claim | undefined = () => undefined,
    /** Seals a new key's secret for that outcome, so a retry whose first answer was lost can still show it once. */
    private readonly seal: (secret: string) => Promise<string> = () => Promise.reject(new Error('No sealer')),
  ) {}

  async create(guard: Guard, { name, scopes, expiresAt, secret }: NewApiKey, maxActive: number): Promise<ApiKey | null> {
    const userId = callerId(this.db, guard.access.principal)
    const row = {
      id: crypto.randomUUID(),
      userId,
      name,
      prefix: secret.prefix,
      last4: secret.last4,
      hash: secret.hash,
      scopes: scopes.join(','),
      createdAt: new Date().toISOString(),
      revokedAt: null,
      lastUsedAt: null,
      ...lineage(this.db, guard.access.principal, expiresAt),
    }
    // Inserted for the caller, only when the guard holds and while they have fewer than maxActive active keys: the
    // guard, the count and the insert are one statement.
    const activeCount = this.db.select({ n: count() }).from(apiKeys).where(activeOf(userId))
    const claim = this.claim()
    const outcome = { id: row.id, ...(claim ? { secret: await this.seal(secret.secret) } : {}) }
    const claimed = claimGuard(
      this.db,
      claim,
      exists(this.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, row.id))),
      outcome,
    )
    const insert = this.db
      .insert(apiKeys)
      .select(rowWhere(apiKeys, row, and(allowed(this.db, guard), lt(sql`(${activeCount})`, maxActive), claimed.holds)))
      .returning(keyColumns)
    const [found, [created], , held] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      insert,
      claimed.record,
      claimed.check,
    ])
    confirm(found, guard)
    claimed.verify(held)
    return created ? toKey(created) : null
  }

  /** One of the caller's keys, revoked or not (the answer to a create whose first answer was lost); null when there is none. */
  async find(guard: Guard, id: string): Promise<ApiKey | null> {
    const [found, [key]] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.db
        .select(keyColumns)
        .from(apiKeys)
        .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, callerId(this.db, guard.access.principal)))),
    ])
    confirm(found, guard)
    return key ? toKey(key) : null
  }

  async list(guard: Guard, { page, pageSize, after }: PageRequest<'createdAt'>) {
    // Read with the caller, and shown only once confirm() accepts them.
    const userId = callerId(this.db, guard.access.principal)
    // Newest first; a user has at most a few dozen active keys, so offset and keyset cost the same here.
    const position = after
      ? or(lt(apiKeys.createdAt, after.value), and(eq(apiKeys.createdAt, after.value), lt(apiKeys.id, after.id)))
      : undefined
    const [found, rows, [total]] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.db
        .select(keyColumns)
        .from(apiKeys)
        .where(and(activeOf(userId), position))
        .orderBy(sql`${apiKeys.createdAt} desc, ${apiKeys.id} desc`)
        .limit(pageSize + 1)
        .offset(after ? 0 : (page - 1) * pageSize),
      this.db.select({ n: count() }).from(apiKeys).where(activeOf(userId)),
    ])
    confirm(found, guard)
    return { items: rows.map(toKey), total: total?.n ?? 0 }
  }

  async revoke(guard: Guard, id: string): Promise<boolean> {
    const owner = callerId(this.db, guard.access.principal)
    // The caller's active key, with every key it created (they are the caller's too): none outlives its parent.
    const isActive = exists(
      this.db
        .select({ id: target.id })
        .from(target)
        .where(and(eq(target.id, id), eq(target.userId, owner), isNull(target.revokedAt))),
    )
    const [found, revoked] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.db
        .update(apiKeys)
        .set({ revokedAt: new Date().toISOString() })
        .where(and(treeOf(id), activeOf(owner), isActive, allowed(this.db, guard)))
        .returning({ id: apiKeys.id }),
    ])
    confirm(found, guard)
    return revoked.some((key) => key.id === id)
  }

  /** The cron's work: keys revoked or expired more than ENDED_KEPT_DAYS ago are deleted (their children ended with them). */
  async purgeEnded(now = Date.now()): Promise<number> {
    const before = new Date(now - ENDED_KEPT_DAYS * 24 * 60 * 60 * 1000).toISOString()
    const removed = await this.db
      .delete(apiKeys)
      .where(or(lt(apiKeys.revokedAt, before), lt(apiKeys.expiresAt, before)))
      .returning({ id: apiKeys.id })
    return removed.length
  }

  async touch(id: string, at: string): Promise<void> {
    // Never moves back: a retried touch that arrives after a later one keeps the later time.
    await this.db
      .update(apiKeys)
      .set({ lastUsedAt: at })
      .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, at))))
  }
}
