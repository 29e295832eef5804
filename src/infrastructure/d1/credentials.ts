import { and, eq, exists, isNull, lte, ne, or, sql } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import { alias } from 'drizzle-orm/sqlite-core'
import type { CallerAccount, Credentials, Guard, PasswordAttempt } from '../../application/ports'
import type { User } from '../../domain/user'
import { decoyHash, hashPassword, verifyPassword } from '../passwords'
import { allowed, callerId, confirm, readCaller } from './callers'
import { userColumns } from './users'
import { users } from './schema'

// An account locks after every LOCK_EVERY password attempts in a row that were not followed by a success, for
// LOCK_MS doubled for each lock before it in the streak, at most 16 times (docs/decisions.md).
const LOCK_EVERY = 5
const LOCK_MS = 60_000
const MAX_DOUBLINGS = 4

const target = alias(users, 'target')

/** True while the user's stored email is another address than `to` (ASCII case aside, as emails are unique). */
const emailMoves = (db: DrizzleD1Database, { userId, to }: { userId: string; to: string }) =>
  exists(
    db
      .select({ id: target.id })
      .from(target)
      .where(and(eq(target.id, userId), ne(sql`lower(${target.email})`, to.toLowerCase()))),
  )

export class D1Credentials implements Credentials {
  constructor(private readonly db: DrizzleD1Database) {}

  async attemptPassword(account: { email: string } | CallerAccount, password: string, now: number): Promise<PasswordAttempt> {
    // lower(email) = ?: the expression the unique index is on, so this is one index seek; emails are ASCII (the contract).
    const match =
      'email' in account
        ? eq(sql`lower(${users.email})`, account.email.toLowerCase())
        : and(
            eq(users.id, callerId(this.db, account.caller.access.principal)),
            allowed(this.db, account.caller),
            account.movingEmail && emailMoves(this.db, account.movingEmail),
          )
    const streak = sql`(${users.failedLogins} + 1)`
    // Claiming the attempt and reading the lock are one statement each in one transaction: parallel guesses are
    // serialised by SQLite, so no more than LOCK_EVERY of them are ever evaluated before the lock holds.
    const claim = this.db
      .update(users)
      .set({
        failedLogins: streak,
        lockedUntil: sql`CASE WHEN ${streak} % ${LOCK_EVERY} = 0
          THEN ${now} + ${LOCK_MS} * (1 << min(${streak} / ${LOCK_EVERY} - 1, ${MAX_DOUBLINGS})) ELSE ${users.lockedUntil} END`,
      })
      .where(and(match, or(isNull(users.lockedUntil), lte(users.lockedUntil, now))))
      .returning({ ...userColumns, passwordHash: users.passwordHash, tokenGeneration: users.tokenGeneration })
    const lock = this.db.select({ lockedUntil: users.lockedUntil }).from(users).where(match).limit(1)
    if ('email' in account) return this.evaluate(await this.db.batch([claim, lock]), password)
    // The caller's own account: read with the caller, so a caller the guard refuses is 401 or 403 and made no attempt.
    const [found, ...outcome] = await this.db.batch([readCaller(this.db, account.caller.access.principal), claim, lock])
    confirm(found, account.caller)
    return this.evaluate(outcome, password)
  }

  private async evaluate(
    [claimed, [current]]: [(User & { passwordHash: string; tokenGeneration: number })[], { lockedUntil: number | null }[]],
    password: string,
  ): Promise<PasswordAttempt> {
    const row = claimed[0]
    if (!row) {
      if (current?.lockedUntil) return { outcome: 'locked', until: current.lockedUntil }
      // No such account: spend what a wrong password costs, so timing does not tell the two apart.
      await verifyPassword(password, await decoyHash())
      return { outcome: 'refused' }
    }
    const { passwordHash, tokenGeneration, ...user } = row
    return (await verifyPassword(password, passwordHash)) ? { outcome: 'accepted', user, tokenGeneration } : { outcome: 'refused' }
  }

  async passwordAccepted(id: string): Promise<void> {
    await this.db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, id))
  }

  /** The caller's own row, when the guard holds. */
  private own(guard: Guard) {
    return and(eq(users.id, callerId(this.db, guard.access.principal)), allowed(this.db, guard))
  }

  async changePassword(guard: Guard, password: string) {
    const passwordHash = await hashPassword(password)
    const [found, [row]] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.db
        .update(users)
        .set({ passwordHash, tokenGeneration: sql`${users.tokenGeneration} + 1`, failedLogins: 0, lockedUntil: null })
        .where(this.own(guard))
        .returning({ ...userColumns, tokenGeneration: users.tokenGeneration }),
    ])
    confirm(found, guard)
    if (!row) throw new Error('A guarded UPDATE the guard allowed changed no row')
    const { tokenGeneration, ...user } = row
    return { user, tokenGeneration }
  }

  async endSessions(guard: Guard): Promise<void> {
    const [found] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.db
        .update(users)
        .set({ tokenGeneration: sql`${users.tokenGeneration} + 1` })
        .where(this.own(guard)),
    ])
    confirm(found, guard)
  }
}
