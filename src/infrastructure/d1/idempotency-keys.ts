import { and, eq, lt, sql, type SQL } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { Guard, IdempotencyBegin, IdempotencyStore, StoredResponse } from '../../application/ports'
import { allowed, confirm, credentialScope, readCaller } from './callers'
import { rowWhere } from './insert-where'
import { idempotencyKeys, users } from './schema'

// A finished request's response is kept for a day (complete()); an unfinished one's claim is a lease far shorter, though longer than
// any request runs, so a claim whose request died (a crash, a cancelled invocation) frees its key minutes later.
const LEASE_MS = 2 * 60 * 1000

export class D1IdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: DrizzleD1Database) {}

  private row(scope: string | SQL, key: string) {
    return and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key))
  }

  async begin(
    owner: string | Guard,
    key: string,
    fingerprint: string,
    account?: string,
  ): Promise<IdempotencyBegin & { scope: string; lockedUntil?: number | null }> {
    const now = new Date()
    const createdAt = now.toISOString()
    const expiresAt = new Date(now.getTime() + LEASE_MS).toISOString()
    const held = (scope: string | SQL) =>
      this.db
        .select({
          fingerprint: idempotencyKeys.fingerprint,
          status: idempotencyKeys.status,
          body: idempotencyKeys.body,
          headers: idempotencyKeys.headers,
        })
        .from(idempotencyKeys)
        .where(this.row(scope, key))
    // One transaction: drop an expired claim, try to claim, read whoever holds it. The primary key decides races.
    const dropExpired = (scope: string | SQL) =>
      this.db.delete(idempotencyKeys).where(and(this.row(scope, key), lt(idempotencyKeys.expiresAt, createdAt)))
    if (typeof owner === 'string') {
      const [, claimed, [holder], [lock]] = await this.db.batch([
        dropExpired(owner),
        this.db
          .insert(idempotencyKeys)
          .values({ scope: owner, key, fingerprint, createdAt, expiresAt })
          .onConflictDoNothing()
          .returning({ key: idempotencyKeys.key }),
        held(owner),
        // The account's lock, so a replay can be held to it as a fresh attempt is (an empty email names no account).
        this.db
          .select({ lockedUntil: users.lockedUntil })
          .from(users)
          .where(eq(sql`lower(${users.email})`, (account ?? '').toLowerCase()))
          .limit(1),
      ])
      return { ...this.outcome(claimed.length > 0, holder, fingerprint), scope: owner, lockedUntil: lock?.lockedUntil ?? null }
    }
    // A caller's keys are their credential's: a login token's are its user's, an API key's that key's own, so a key can
    // never replay what another credential of the same user was answered (a new key's secret, say). Read with the
    // caller in the same round trip: a caller the guard refuses claims nothing and is told 401 or 403; a replay needs
    // no other trip.
    const scope = credentialScope(this.db, owner.access.principal)
    const [found, , claimed, [holder]] = await this.db.batch([
      readCaller(this.db, owner.access.principal),
      this.db.delete(idempotencyKeys).where(and(this.row(scope, key), lt(idempotencyKeys.expiresAt, createdAt), allowed(this.db, owner))),
      this.db
        .insert(idempotencyKeys)
        .select(
          rowWhere(
            idempotencyKeys,
            { scope, key, fingerprint, status: null, body: null, headers: null, createdAt, expiresAt },
            allowed(this.db, owner),
          ),
        )
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key }),
      held(scope),
    ])
    const { user, credential } = confirm(found, owner)
    return {
      ...this.outcome(claimed.length > 0, holder, fingerprint),
      scope: credential.keyId ? `${user.id}:key:${credential.keyId}` : user.id,
    }
  }

  private outcome(
    claimed: boolean,
    held: { fingerprint: string; status: number | null; body: string | null; headers: string | null } | undefined,
    fingerprint: string,
  ): IdempotencyBegin {
    if (claimed) return { state: 'started' }
    if (!held || held.fingerprint !== fingerprint) return { state: 'mismatch' }
    if (held.status === null) return { state: 'in-progress' }
    return {
      state: 'replay',
      response: { status: held.status, body: held.body ?? '', headers: JSON.parse(held.headers ?? '{}') as Record<string, string> },
    }
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.db
      .update(idempotencyKeys)
      .set({
        status: response.status,
        body: response.body,
        headers: JSON.stringify(response.headers),
        expiresAt: sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${idempotencyKeys.createdAt}, '+1 day')`,
      })
      .where(this.row(scope, key))
  }

  /** Deletes every key past its 24 hours (the scheduled housekeeping); returns how many. Uses the expires_at index. */
  async purgeExpired(now = new Date()): Promise<number> {
    const removed = await this.db
      .delete(idempotencyKeys)
      .where(lt(idempotencyKeys.expiresAt, now.toISOString()))
      .returning({ key: idempotencyKeys.key })
    return removed.length
  }

  async release(scope: string, key: string): Promise<void> {
    await this.db.delete(idempotencyKeys).where(and(this.row(scope, key), sql`${idempotencyKeys.status} IS NULL`))
  }
}
