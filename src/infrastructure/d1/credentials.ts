import { and, eq, exists, ne, sql } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import { alias } from 'drizzle-orm/sqlite-core'
import type { CallerAccount, Credentials, Guard, PasswordAttempt } from '../../application/ports'
import type { User } from '../../domain/user'
import { decoyHash, hashPassword, verifyPassword } from '../passwords'
import { allowed, callerId, confirm, readCaller } from './callers'
import { accountWide, claimAttempt, clearAttempts, lockOf, subjectOfEmail, uncountAttempt } from './password-attempts'
import { userColumns } from './users'
import { users } from './schema'

const target = alias(users, 'target')

/** True while the user's stored email is another address than `to` (ASCII case aside, as emails are unique). */
const emailMoves = (db: DrizzleD1Database, { userId, to }: { userId: string; to: string }) =>
  exists(
    db
      .select({ id: target.id })
      .from(target)
      .where(and(eq(target.id, userId), ne(sql`lower(${target.email})`, to.toLowerCase()))),
  )

type Claimed = [{ address: string }[], { until: number | null }[], (User & { passwordHash: string; tokenGeneration: number })[]]

export class D1Credentials implements Credentials {
  constructor(private readonly db: DrizzleD1Database) {}

  async attemptPassword(
    account: { email: string; address: string } | CallerAccount,
    password: string,
    now: number,
  ): Promise<PasswordAttempt> {
    const { db } = this
    // Counted against the account (or, for an email no account has, against that email) and the client's network.
    const address = 'email' in account ? account.address : account.caller.access.address
    const subject = 'email' in account ? await subjectOfEmail(db, account.email) : callerId(db, account.caller.access.principal)
    // lower(email) = ?: the expression the unique index is on, so this is one index seek; emails are ASCII (the contract).
    const match =
      'email' in account
        ? eq(sql`lower(${users.email})`, account.email.toLowerCase())
        : and(
            eq(users.id, callerId(db, account.caller.access.principal)),
            allowed(db, account.caller),
            account.movingEmail && emailMoves(db, account.movingEmail),
          )
    // The attempt is claimed (or refused by a lock) in one statement; then the lock, and the account's row, which
    // keeps the account-wide streak as failed_logins and locked_until (an idempotent login's replay reads those).
    const claim = claimAttempt(
      db,
      subject,
      address,
      now,
      'email' in account ? undefined : exists(db.select({ id: users.id }).from(users).where(match)),
    )
    const lock = lockOf(db, subject, address, now)
    const row = db
      .update(users)
      .set(accountWide(db, subject))
      .where(match)
      .returning({ ...userColumns, passwordHash: users.passwordHash, tokenGeneration: users.tokenGeneration })
    if ('email' in account) return this.evaluate(await db.batch([claim, lock, row]), password)
    // The caller's own account: read with the caller, so a caller the guard refuses is 401 or 403 and made no attempt.
    const [found, ...outcome] = await db.batch([readCaller(db, account.caller.access.principal), claim, lock, row])
    confirm(found, account.caller)
    return this.evaluate(outcome, password)
  }

  private async evaluate([claimed, [lock], [row]]: Claimed, password: string): Promise<PasswordAttempt> {
    if (!claimed.length && lock?.until) return { outcome: 'locked', until: lock.until }
    if (!claimed.length || !row) {
      // No such account, or not asked: spend what a wrong password costs, so timing does not tell them apart.
      await verifyPassword(password, await decoyHash())
      return { outcome: 'refused' }
    }
    const { passwordHash, tokenGeneration, ...user } = row
    return (await verifyPassword(password, passwordHash)) ? { outcome: 'accepted', user, tokenGeneration } : { outcome: 'refused' }
  }

  async attemptLost(account: { email: string; address: string } | CallerAccount, now: number): Promise<void> {
    const { db } = this
    const address = 'email' in account ? account.address : account.caller.access.address
    const subject = 'email' in account ? await subjectOfEmail(db, account.email) : callerId(db, account.caller.access.principal)
    await db.batch([uncountAttempt(db, subject, address, now), db.update(users).set(accountWide(db, subject)).where(eq(users.id, subject))])
  }

  async passwordAccepted(userId: string, address: string): Promise<void> {
    await this.db.batch(clearAttempts(this.db, userId, address))
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
