import { and, eq, isNull, lte, or, sql } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { Credentials, PasswordAttempt } from '../../application/ports'
import type { User } from '../../domain/user'
import { decoyHash, hashPassword, verifyPassword } from '../passwords'
import { compiled, qb, value } from './compiled'
import { userColumns, type UserRow, toUser } from './users'
import { users } from './schema'

// An account locks after every LOCK_EVERY password attempts in a row that were not followed by a success, for
// LOCK_MS doubled for each lock before it in the streak, at most 16 times (docs/decisions.md).
const LOCK_EVERY = 5
const LOCK_MS = 60_000
const MAX_DOUBLINGS = 4

// Every authenticated request reads its user with the token generation its token must carry.
const sessionById = compiled(() =>
  qb
    .select({ ...userColumns, tokenGeneration: users.tokenGeneration })
    .from(users)
    .where(eq(users.id, value('id')))
    .limit(1),
)

export class D1Credentials implements Credentials {
  private readonly client: D1Database

  constructor(private readonly db: DrizzleD1Database & { $client: D1Database }) {
    this.client = db.$client
  }

  async attemptPassword(account: { email: string } | { id: string }, password: string, now: number): Promise<PasswordAttempt> {
    // lower(email) = ?: the expression the unique index is on, so this is one index seek; emails are ASCII (the contract).
    const match = 'email' in account ? eq(sql`lower(${users.email})`, account.email.toLowerCase()) : eq(users.id, account.id)
    const streak = sql`(${users.failedLogins} + 1)`
    // Claiming the attempt and reading the lock are one statement each in one transaction: parallel guesses are
    // serialised by SQLite, so no more than LOCK_EVERY of them are ever evaluated before the lock holds.
    const [claimed, [current]] = await this.db.batch([
      this.db
        .update(users)
        .set({
          failedLogins: streak,
          lockedUntil: sql`CASE WHEN ${streak} % ${LOCK_EVERY} = 0
            THEN ${now} + ${LOCK_MS} * (1 << min(${streak} / ${LOCK_EVERY} - 1, ${MAX_DOUBLINGS})) ELSE ${users.lockedUntil} END`,
        })
        .where(and(match, or(isNull(users.lockedUntil), lte(users.lockedUntil, now))))
        .returning({ ...userColumns, passwordHash: users.passwordHash, tokenGeneration: users.tokenGeneration }),
      this.db.select({ lockedUntil: users.lockedUntil }).from(users).where(match).limit(1),
    ])
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

  async getSession(id: string): Promise<{ user: User; tokenGeneration: number } | null> {
    const row = await sessionById(this.client, [], { id }).first<UserRow & { token_generation: number }>()
    return row ? { user: toUser(row), tokenGeneration: row.token_generation } : null
  }

  async changePassword(id: string, password: string) {
    const passwordHash = await hashPassword(password)
    const [row] = await this.db
      .update(users)
      .set({ passwordHash, tokenGeneration: sql`${users.tokenGeneration} + 1`, failedLogins: 0, lockedUntil: null })
      .where(eq(users.id, id))
      .returning({ ...userColumns, tokenGeneration: users.tokenGeneration })
    if (!row) return null
    const { tokenGeneration, ...user } = row
    return { user, tokenGeneration }
  }

  async endSessions(id: string): Promise<void> {
    await this.db
      .update(users)
      .set({ tokenGeneration: sql`${users.tokenGeneration} + 1` })
      .where(eq(users.id, id))
  }
}
