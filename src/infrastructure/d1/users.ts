import { and, eq, exists, inArray, sql } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { Guard, NewUser, UserChanges, UserRepository, UserSort } from '../../application/ports'
import type { Claim } from '../../application/idempotency'
import { conflict, preconditionFailed, reauthenticationRequired } from '../../domain/errors'
import type { User } from '../../domain/user'
import { hashPassword } from '../passwords'
import { isUniqueViolation } from './errors'
import { allowed, confirm, readCaller, readCallerAlone } from './callers'
import { rowWhere } from './insert-where'
import { claimGuard } from './claims'
import { compiled, qb, value } from './compiled'
import { pageQuery, pageValues } from './paging'
import { toUser, type UserRow } from './user-rows'
import { posts, rowCounts, users } from './schema'
import { eventStatements, noOutbox } from './outbox'
import type { Outbox } from '../../application/webhook-ports'

// The public columns: password_hash is selected in exactly one place, credentials.ts's attemptPassword.
export const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  version: users.version,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
}

const sortColumns = { createdAt: users.createdAt, name: users.name } satisfies Record<UserSort, unknown>

// The hot reads, built by drizzle once per shape and run with bound values (compiled.ts says why).
const pageOfUsers = compiled((sort: UserSort, order: 'asc' | 'desc', keyset: boolean) =>
  pageQuery(users, userColumns, { sortColumn: sortColumns[sort], idColumn: users.id }, order, keyset),
)
// Aliased, because the row is read by column name, not mapped by drizzle.
const totalOfUsers = compiled(() =>
  qb
    .select({ total: sql<number>`${rowCounts.count}`.as('total') })
    .from(rowCounts)
    .where(eq(rowCounts.name, 'users')),
)
const userById = compiled(() =>
  qb
    .select(userColumns)
    .from(users)
    .where(eq(users.id, value('id')))
    .limit(1),
)

const emailTaken = () => conflict('A user with this email already exists')

export class D1UserRepository implements UserRepository {
  /** The request's D1 session (drizzle's own client), for the compiled reads. */
  private readonly client: D1Database

  constructor(
    private readonly db: DrizzleD1Database & { $client: D1Database },
    /** The request's claim on its Idempotency-Key, if it has one: a create records its outcome with it. */
    private readonly claim: () => Claim | undefined = () => undefined,
    /** Where the events this request's writes record are collected, to be queued after the answer. */
    private readonly outbox: Outbox = noOutbox,
  ) {
    this.client = db.$client
  }

  async list(request: Parameters<UserRepository['list']>[0]) {
    const [rows, totals] = await this.client.batch<UserRow & { total: number }>([
      pageOfUsers(this.client, [request.sort, request.order, request.after !== undefined], pageValues(request)),
      totalOfUsers(this.client, []),
    ])
    return { items: (rows?.results ?? []).map(toUser), total: totals?.results[0]?.total ?? 0 }
  }

  async get(id: string): Promise<User | null> {
    const row = await userById(this.client, [], { id }).first<UserRow>()
    return row ? toUser(row) : null
  }

  async caller(guard: Guard) {
    return confirm(await readCallerAlone(this.client, guard.access.principal), guard)
  }

  async create({ password, ...fields }: NewUser, guard?: Guard): Promise<User> {
    const now = new Date().toISOString()
    const id = crypto.randomUUID()
    const row = {
      id,
      ...fields,
      passwordHash: await hashPassword(password),
      version: 1,
      createdAt: now,
      updatedAt: now,
      tokenGeneration: 0,
      failedLogins: 0,
      lockedUntil: null,
      // A sign-up is welcomed (after the answer, or by the cron job if that fails); a user an admin made is not.
      welcomePending: guard ? 0 : 1,
      postCount: 0,
      postBytes: 0,
    }
    const claimed = claimGuard(this.db, this.claim(), exists(this.db.select({ id: users.id }).from(users).where(eq(users.id, id))), { id })
    try {
      // Inserted only when the guard holds (a refused caller takes no email: never a 409) and the claim, if any, is its own.
      const event = eventStatements(this.db, this.outbox, 'user', 'user.created', eq(users.id, id))
      const [found, [user], , held] = await this.db.batch([
        guard
          ? readCaller(this.db, guard.access.principal)
          : this.db
              .select({ none: sql`null` })
              .from(users)
              .where(sql`0`),
        this.db
          .insert(users)
          .select(rowWhere(users, row, and(guard ? allowed(this.db, guard) : undefined, claimed.holds) ?? sql`1`))
          .returning(userColumns),
        claimed.record,
        claimed.check,
        event.now,
      ])
      if (guard) confirm(found, guard)
      claimed.verify(held)
      if (!user) throw new Error('A guarded INSERT the guard allowed returned no row')
      return user
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken()
      throw error
    }
  }

  /** The user's row, and only at one of these versions when they are given. */
  private matching(id: string, ifVersion?: number[]) {
    return ifVersion ? and(eq(users.id, id), inArray(users.version, ifVersion)) : eq(users.id, id)
  }

  private currentVersion(id: string) {
    return this.db.select({ version: users.version }).from(users).where(eq(users.id, id)).limit(1)
  }

  async update(
    guard: Guard,
    id: string,
    changes: UserChanges,
    ifVersion: number[] | undefined,
    { emailConfirmed }: { emailConfirmed: boolean },
  ) {
    // Only the named columns are written; request keys never become column names.
    const values = {
      email: changes.email,
      name: changes.name,
      role: changes.role,
      version: sql`${users.version} + 1`,
      updatedAt: new Date().toISOString(),
    }
    // An unconfirmed change keeps the address: the write applies only while the stored one is the same, case aside.
    const keepsEmail =
      changes.email !== undefined && !emailConfirmed ? eq(sql`lower(${users.email})`, changes.email.toLowerCase()) : undefined
    try {
      // Caller, conditional write and what stopped it in one round trip: 401, 403, 404, 412 and a needed password, no race.
      const applies = and(this.matching(id, ifVersion), keepsEmail, allowed(this.db, guard))
      const event = eventStatements(this.db, this.outbox, 'user', 'user.updated', applies)
      const [found, , [user], [current]] = await this.db.batch([
        readCaller(this.db, guard.access.principal),
        event.placeholder,
        this.db.update(users).set(values).where(applies).returning(userColumns),
        this.db.select({ version: users.version }).from(users).where(eq(users.id, id)).limit(1),
        event.fill(eq(users.id, id)),
      ])
      confirm(found, guard)
      if (user) return user
      if (!current) return null
      if (ifVersion && !ifVersion.includes(current.version)) throw preconditionFailed()
      throw reauthenticationRequired()
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken()
      throw error
    }
  }

  async delete(guard: Guard, id: string, ifVersion?: number[]) {
    // One batch is one transaction: the posts, the user and the event (the user as they were; their posts get none of
    // their own) go together or not at all, and only when the guard holds.
    const applies = and(this.matching(id, ifVersion), allowed(this.db, guard))
    const event = eventStatements(this.db, this.outbox, 'user', 'user.deleted', applies)
    const [found, , removedPosts, removedUsers, [remaining]] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      event.now,
      this.db
        .delete(posts)
        .where(and(eq(posts.userId, id), exists(this.db.select({ id: users.id }).from(users).where(applies))))
        .returning({ id: posts.id }),
      this.db.delete(users).where(applies).returning({ id: users.id }),
      this.currentVersion(id),
    ])
    confirm(found, guard)
    if (removedUsers.length) return { posts: removedPosts.map((post) => post.id) }
    if (remaining) throw preconditionFailed()
    return null
  }
}
