import { and, count, eq, isNull, lt, or, sql } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { ApiKeyRepository, NewApiKey } from '../../application/ports'
import type { ApiKey, KeyScope } from '../../domain/api-key'
import type { PageRequest } from '../../domain/page'
import { apiKeys, users } from './schema'
import { userColumns } from './users'

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
const activeOf = (userId: string) => and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt))

export class D1ApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: DrizzleD1Database) {}

  async create({ userId, name, scopes, expiresAt, secret }: NewApiKey, maxActive: number): Promise<ApiKey | null> {
    const row = {
      id: crypto.randomUUID(),
      userId,
      name,
      prefix: secret.prefix,
      last4: secret.last4,
      hash: secret.hash,
      scopes: scopes.join(','),
      createdAt: new Date().toISOString(),
      expiresAt,
    }
    // Inserted only while the user has fewer than maxActive active keys: the count and the insert are one statement.
    const activeCount = this.db.select({ n: count() }).from(apiKeys).where(activeOf(userId))
    const [created] = await this.db
      .insert(apiKeys)
      .select(
        this.db
          .select({
            id: sql`${row.id}`.as('id'),
            userId: sql`${row.userId}`.as('user_id'),
            name: sql`${row.name}`.as('name'),
            prefix: sql`${row.prefix}`.as('prefix'),
            last4: sql`${row.last4}`.as('last4'),
            hash: sql`${row.hash}`.as('hash'),
            scopes: sql`${row.scopes}`.as('scopes'),
            createdAt: sql`${row.createdAt}`.as('created_at'),
            expiresAt: sql`${row.expiresAt}`.as('expires_at'),
            revokedAt: sql`null`.as('revoked_at'),
            lastUsedAt: sql`null`.as('last_used_at'),
          })
          .from(users)
          .where(and(eq(users.id, userId), lt(sql`(${activeCount})`, maxActive))),
      )
      .returning(keyColumns)
    return created ? toKey(created) : null
  }

  async list(userId: string, { page, pageSize, after }: PageRequest<'createdAt'>) {
    // Newest first; a user has at most a few dozen active keys, so offset and keyset cost the same here.
    const position = after
      ? or(lt(apiKeys.createdAt, after.value), and(eq(apiKeys.createdAt, after.value), lt(apiKeys.id, after.id)))
      : undefined
    const [rows, [total]] = await this.db.batch([
      this.db
        .select(keyColumns)
        .from(apiKeys)
        .where(and(activeOf(userId), position))
        .orderBy(sql`${apiKeys.createdAt} desc, ${apiKeys.id} desc`)
        .limit(pageSize + 1)
        .offset(after ? 0 : (page - 1) * pageSize),
      this.db.select({ n: count() }).from(apiKeys).where(activeOf(userId)),
    ])
    return { items: rows.map(toKey), total: total?.n ?? 0 }
  }

  async revoke(userId: string, id: string): Promise<boolean> {
    const revoked = await this.db
      .update(apiKeys)
      .set({ revokedAt: new Date().toISOString() })
      .where(and(eq(apiKeys.id, id), activeOf(userId)))
      .returning({ id: apiKeys.id })
    return revoked.length > 0
  }

  async authenticate(hash: string) {
    // The key by its hash (a unique index) and its owner as stored now, in one read.
    const [found] = await this.db
      .select({ key: keyColumns, user: userColumns })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)))
      .limit(1)
    return found ? { key: toKey(found.key), user: found.user } : null
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id))
  }
}
