import { and, eq, gt, inArray, isNull, lt, lte, max, or, sql, type SQL } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import { digestHex } from '../bytes'
import { loginAttempts, users } from './schema'

// Failed attempts in a row lock out the network that makes them after every ADDRESS_EVERY, and the account for every
// network after every ACCOUNT_EVERY, for LOCK_MS doubled for each lock before it in the streak, at most 16 times
// (docs/decisions.md). The thresholds are in the document (RATE_LIMITED in the error catalogue).
const ADDRESS_EVERY = 5
const ACCOUNT_EVERY = 100
const LOCK_MS = 60_000
const MAX_DOUBLINGS = 4
/** The address of the account-wide row. */
const EVERY_ADDRESS = '*'

/** Who the attempts are counted against: the user's id as SQL, or for an email no account has, a hash of it. */
export async function subjectOfEmail(db: DrizzleD1Database, email: string): Promise<SQL> {
  const lower = email.toLowerCase()
  const hash = await digestHex('SHA-256', lower)
  const id = db
    .select({ id: users.id })
    .from(users)
    .where(eq(sql`lower(${users.email})`, lower))
  return sql`coalesce((${id}), ${`email:${hash}`})`
}

/** The rows of this subject that count this attempt: the network's own and the account-wide one. */
const rowsOf = (subject: SQL, address: string) =>
  and(eq(loginAttempts.subject, subject), inArray(loginAttempts.address, [address, EVERY_ADDRESS]))

/**
 * Counts one attempt on both rows, in one statement, unless either is locked at `now` or `counted` does not hold (a
 * caller whose email does not move is not asked). Returns the rows it counted: none means the attempt is not evaluated.
 * One statement, so both rows are judged before either changes, and parallel attempts are serialised by SQLite.
 */
export function claimAttempt(db: DrizzleD1Database, subject: SQL, address: string, now: number, counted?: SQL) {
  const locked = db
    .select({ one: sql`1` })
    .from(loginAttempts)
    .where(and(rowsOf(subject, address), gt(loginAttempts.lockedUntil, now)))
  const streak = sql`(${loginAttempts.failures} + 1)`
  const every = sql`(CASE WHEN ${loginAttempts.address} = ${EVERY_ADDRESS} THEN ${ACCOUNT_EVERY} ELSE ${ADDRESS_EVERY} END)`
  return db
    .insert(loginAttempts)
    .select(
      sql`select column1, column2, 1, null, ${now} from (values (${subject}, ${address}), (${subject}, ${EVERY_ADDRESS}))
        where not exists ${locked} ${counted ? sql`and ${counted}` : sql``}`,
    )
    .onConflictDoUpdate({
      // Named bare: drizzle qualifies columns (login_attempts.subject) in an INSERT … SELECT, which SQLite refuses here.
      target: [sql.identifier('subject'), sql.identifier('address')] as unknown as [typeof loginAttempts.subject],
      set: {
        failures: streak,
        lockedUntil: sql`CASE WHEN ${streak} % ${every} = 0
          THEN ${now} + ${LOCK_MS} * (1 << min(${streak} / ${every} - 1, ${MAX_DOUBLINGS})) ELSE ${loginAttempts.lockedUntil} END`,
        updatedAt: now,
      },
    })
    .returning({ address: loginAttempts.address })
}

/**
 * An attempt whose answer was lost (D1 may have counted it and then failed, before the password was ever judged):
 * uncounted on both rows if it was counted, with the lock it set, if any. Told by its instant (`updated_at = now`): a
 * later attempt has moved it on, and then nothing is undone.
 */
export function uncountAttempt(db: DrizzleD1Database, subject: SQL, address: string, now: number) {
  const every = sql`(CASE WHEN ${loginAttempts.address} = ${EVERY_ADDRESS} THEN ${ACCOUNT_EVERY} ELSE ${ADDRESS_EVERY} END)`
  return db
    .update(loginAttempts)
    .set({
      failures: sql`max(${loginAttempts.failures} - 1, 0)`,
      lockedUntil: sql`CASE WHEN ${loginAttempts.failures} % ${every} = 0 THEN NULL ELSE ${loginAttempts.lockedUntil} END`,
    })
    .where(and(rowsOf(subject, address), eq(loginAttempts.updatedAt, now)))
}

/** Until when the attempt is refused (epoch ms), when either row is locked at `now`. */
export function lockOf(db: DrizzleD1Database, subject: SQL, address: string, now: number) {
  return db
    .select({ until: max(loginAttempts.lockedUntil) })
    .from(loginAttempts)
    .where(and(rowsOf(subject, address), gt(loginAttempts.lockedUntil, now)))
}

/**
 * The account-wide row, as the user's failed_logins and locked_until: what an idempotent login's replay is held to.
 * As SQL values for an UPDATE of users.
 */
export function accountWide(db: DrizzleD1Database, subject: SQL) {
  const of = <T>(column: SQL.Aliased<T> | typeof loginAttempts.failures | typeof loginAttempts.lockedUntil) =>
    sql`(${db
      .select({ value: column })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.subject, subject), eq(loginAttempts.address, EVERY_ADDRESS)))})`
  return { failedLogins: sql`coalesce(${of(loginAttempts.failures)}, 0)`, lockedUntil: of(loginAttempts.lockedUntil) }
}

/** After a password was accepted: the network's streak is forgotten, and the account-wide one ends. */
export function clearAttempts(db: DrizzleD1Database, userId: string, address: string) {
  return [
    db.delete(loginAttempts).where(and(eq(loginAttempts.subject, userId), eq(loginAttempts.address, address))),
    db
      .update(loginAttempts)
      .set({ failures: 0, lockedUntil: null })
      .where(and(eq(loginAttempts.subject, userId), eq(loginAttempts.address, EVERY_ADDRESS))),
    db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, userId)),
  ] as const
}

/** The cron's work: counts untouched for a day whose lock, if any, has lapsed are forgotten. */
export async function purgeStaleAttempts(db: DrizzleD1Database, now = Date.now()): Promise<number> {
  const removed = await db
    .delete(loginAttempts)
    .where(
      and(
        lt(loginAttempts.updatedAt, now - 24 * 60 * 60 * 1000),
        or(isNull(loginAttempts.lockedUntil), lte(loginAttempts.lockedUntil, now)),
      ),
    )
    .returning({ subject: loginAttempts.subject })
  return removed.length
}
