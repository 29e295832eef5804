import { and, eq, exists, gt, isNull, ne, or, sql, type SQL } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import { alias } from 'drizzle-orm/sqlite-core'
import type { Guard } from '../../application/ports'
import { authorize, loggedInRecently, type Caller, type Principal } from '../../domain/access'
import { isExpired, tokenCredential, type KeyScope, type Scope } from '../../domain/api-key'
import type { User } from '../../domain/user'
import { compiled, qb, value } from './compiled'
import { apiKeys, users } from './schema'
import { toUser, type UserRow } from './user-rows'

// Aliased, so a statement on users or api_keys can name the caller's row apart from the rows it reads or writes.
const caller = alias(users, 'caller')
const callerKey = alias(apiKeys, 'caller_key')

const callerColumns = {
  id: caller.id,
  email: caller.email,
  name: caller.name,
  role: caller.role,
  version: caller.version,
  createdAt: caller.createdAt,
  updatedAt: caller.updatedAt,
}

type CallerRow = {
  user: User
  generation: number
  /** For an API key (readCaller's token read has none). */
  key?: { id: string; scopes: string; expiresAt: string | null; lastUsedAt: string | null }
}

/**
 * The first statement of every authenticated round trip: the caller's row as stored now (for a key, the key with its
 * owner). Read in the same transaction as the operation, so it is exactly what the operation's guard saw.
 */
export function readCaller(db: DrizzleD1Database, principal: Principal) {
  const columns = { user: callerColumns, generation: caller.tokenGeneration }
  if (principal.kind === 'token') return db.select(columns).from(caller).where(eq(caller.id, principal.userId)).limit(1)
  return db
    .select({
      ...columns,
      // Named apart from the user's columns: D1 answers a batch's rows as objects, keyed by column name.
      key: {
        id: sql<string>`${callerKey.id}`.as('key_id'),
        scopes: sql<string>`${callerKey.scopes}`.as('key_scopes'),
        expiresAt: sql<string | null>`${callerKey.expiresAt}`.as('key_expires_at'),
        lastUsedAt: sql<string | null>`${callerKey.lastUsedAt}`.as('key_last_used_at'),
      },
    })
    .from(callerKey)
    .innerJoin(caller, eq(caller.id, callerKey.userId))
    .where(and(eq(callerKey.hash, principal.hash), isNull(callerKey.revokedAt)))
    .limit(1)
}

// The same reads alone, for an operation that reads nothing but its caller (the profile): built once (compiled.ts says why).
const tokenCaller = compiled(() =>
  qb
    .select({ ...callerColumns, generation: caller.tokenGeneration })
    .from(caller)
    .where(eq(caller.id, value('id')))
    .limit(1),
)
const keyCaller = compiled(() =>
  qb
    .select({
      ...callerColumns,
      generation: caller.tokenGeneration,
      keyId: sql`${callerKey.id}`.as('key_id'),
      keyScopes: sql`${callerKey.scopes}`.as('key_scopes'),
      keyExpiresAt: sql`${callerKey.expiresAt}`.as('key_expires_at'),
      keyLastUsedAt: sql`${callerKey.lastUsedAt}`.as('key_last_used_at'),
    })
    .from(callerKey)
    .innerJoin(caller, eq(caller.id, callerKey.userId))
    .where(and(eq(callerKey.hash, value('hash')), isNull(callerKey.revokedAt)))
    .limit(1),
)

interface CallerColumns extends UserRow {
  token_generation: number
  key_id?: string
  key_scopes?: string
  key_expires_at?: string | null
  key_last_used_at?: string | null
}

/** The caller as stored now, in a round trip of its own, in readCaller's shape (for confirm). */
export async function readCallerAlone(client: D1Database, principal: Principal): Promise<CallerRow[]> {
  const row =
    principal.kind === 'token'
      ? await tokenCaller(client, [], { id: principal.userId }).first<CallerColumns>()
      : await keyCaller(client, [], { hash: principal.hash }).first<CallerColumns>()
  if (!row) return []
  const user = toUser(row)
  const key = row.key_id
    ? { id: row.key_id, scopes: row.key_scopes ?? '', expiresAt: row.key_expires_at ?? null, lastUsedAt: row.key_last_used_at ?? null }
    : undefined
  return [{ user, generation: row.token_generation, ...(key ? { key } : {}) }]
}

/** What readCaller found, as a Caller; or why there is none now (the 401's message). */
function toCaller(rows: unknown[], principal: Principal, now: number): Caller | string {
  const row = rows[0] as CallerRow | undefined
  if (principal.kind === 'token') {
    if (!row) return 'The token belongs to a user that no longer exists'
    if (row.generation !== principal.generation) return 'The token was signed out (a sign-out or a password change)'
    return { user: row.user, credential: tokenCredential }
  }
  const key = row?.key
  if (!row || !key?.id) return 'The API key is not valid (unknown, revoked, or its owner was deleted)'
  if (isExpired(key, now)) return 'The API key has expired'
  const credential = { kind: 'key' as const, scopes: key.scopes.split(',') as KeyScope[], keyId: key.id }
  return { user: row.user, credential, keyLastUsedAt: key.lastUsedAt }
}

/** The caller readCaller found, when they may do what the guard says (domain/access.ts's authorize); otherwise it throws 401 or 403. */
export function confirm(rows: unknown[], { access, permission }: Guard): Caller {
  const found = toCaller(rows, access.principal, access.now)
  return typeof found === 'string' ? authorize(null, access, permission, found) : authorize(found, access, permission)
}

// A key's scopes are stored comma-separated; one is held when `,scope,` is in `,scopes,`.
const holds = (scope: Scope) => sql`instr(',' || ${callerKey.scopes} || ',', ${`,${scope},`}) > 0`

/**
 * The guard a write carries in its WHERE: true exactly when `confirm` would accept the caller read in the same
 * transaction. So a caller who lost a right a moment ago writes nothing, and the reason is told from the caller's row.
 */
export function allowed(db: DrizzleD1Database, { access, permission = {} }: Guard): SQL {
  const { principal } = access
  const rules: (SQL | undefined)[] = [
    permission.admin ? eq(caller.role, 'admin') : undefined,
    permission.actAs !== undefined ? or(eq(caller.id, permission.actAs), eq(caller.role, 'admin')) : undefined,
    permission.write ? ne(caller.role, 'guest') : undefined,
    permission.setRole !== undefined ? or(eq(caller.role, 'admin'), eq(caller.role, permission.setRole)) : undefined,
    // Known on the CPU (the token's own iat): a constant false when the login is too old.
    permission.recentLogin && principal.kind === 'token' && !loggedInRecently(principal, access.now) ? sql`0 = 1` : undefined,
  ]
  if (principal.kind === 'token') {
    const valid = and(eq(caller.id, principal.userId), eq(caller.tokenGeneration, principal.generation))
    return exists(
      db
        .select({ one: sql`1` })
        .from(caller)
        .where(and(valid, ...rules)),
    )
  }
  const valid = and(
    eq(callerKey.hash, principal.hash),
    isNull(callerKey.revokedAt),
    or(isNull(callerKey.expiresAt), gt(callerKey.expiresAt, new Date(access.now).toISOString())),
  )
  const scopes = [...access.scopes, ...(permission.grants ?? [])].map(holds)
  return exists(
    db
      .select({ one: sql`1` })
      .from(callerKey)
      .innerJoin(caller, eq(caller.id, callerKey.userId))
      .where(and(valid, ...scopes, ...rules)),
  )
}

/** The caller's user id as an SQL value: a token names it; a key's row does (whether or not the key is still valid). */
export function callerId(db: DrizzleD1Database, principal: Principal): SQL {
  if (principal.kind === 'token') return sql`${principal.userId}`
  return sql`(${db.select({ id: callerKey.userId }).from(callerKey).where(eq(callerKey.hash, principal.hash))})`
}

/** The caller's idempotency scope as an SQL value: a token's user id; for a key, `<user id>:key:<key id>`. */
export function credentialScope(db: DrizzleD1Database, principal: Principal): SQL {
  if (principal.kind === 'token') return sql`${principal.userId}`
  const scope = sql<string>`${callerKey.userId} || ':key:' || ${callerKey.id}`
  return sql`(${db.select({ scope }).from(callerKey).where(eq(callerKey.hash, principal.hash))})`
}
