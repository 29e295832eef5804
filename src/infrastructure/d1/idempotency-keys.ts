import { and, eq, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { Guard } from '../../application/ports'
import type { Claim, IdempotencyBegin, IdempotencyStore, Outcome, StoredResponse } from '../../application/idempotency'
import { allowed, confirm, credentialScope, readCaller } from './callers'
import { rowWhere } from './insert-where'
import { idempotencyKeys, users } from './schema'

// A finished request's response is kept for a day (complete()), and so is the outcome of a create whose answer was lost;
// an unfinished claim is a lease, longer than any request runs (D1 ends a statement after 30 s), so a claim whose request
// died (a crash, a cancelled invocation) frees its key half a minute later. An attempt that outlives its lease writes
// nothing: its writes are guarded by its claim (claimGuard).
export const LEASE_SECONDS = 30
const LEASE_MS = LEASE_SECONDS * 1000
export const aDayAfterCreation = sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${idempotencyKeys.createdAt}, '+1 day')`

/** What begin() reads of the claim that holds a key. */
interface Held {
  fingerprint: string
  status: number | null
  body: string | null
  headers: string | null
  outcome: string | null
  expiresAt: string
}

export class D1IdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: DrizzleD1Database) {}

  private row(scope: string | SQL, key: string) {
    return and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key))
  }

  async begin(
    owner: string | Guard,
    key: string,
    fingerprint: string,
    attempt: string,
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
          outcome: idempotencyKeys.outcome,
          expiresAt: idempotencyKeys.expiresAt,
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
          .values({ scope: owner, key, fingerprint, attempt, createdAt, expiresAt })
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
      const claim = { scope: owner, key, attempt }
      return {
        ...this.outcome(claimed.length > 0 ? claim : null, holder, fingerprint, now),
        scope: owner,
        lockedUntil: lock?.lockedUntil ?? null,
      }
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
            { scope, key, fingerprint, attempt, outcome: null, status: null, body: null, headers: null, createdAt, expiresAt },
            allowed(this.db, owner),
          ),
        )
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key }),
      held(scope),
    ])
    const { user, credential } = confirm(found, owner)
    const stored = credential.keyId ? `${user.id}:key:${credential.keyId}` : user.id
    return { ...this.outcome(claimed.length > 0 ? { scope: stored, key, attempt } : null, holder, fingerprint, now), scope: stored }
  }

  private outcome(claim: Claim | null, held: Held | undefined, fingerprint: string, now: Date): IdempotencyBegin {
    if (claim) return { state: 'started', claim }
    if (!held || held.fingerprint !== fingerprint) return { state: 'mismatch' }
    if (held.status === null && held.outcome !== null) return { state: 'committed', outcome: JSON.parse(held.outcome) as Outcome }
    if (held.status === null) return { state: 'in-progress', retryAfterSeconds: secondsUntil(held.expiresAt, now) }
    return {
      state: 'replay',
      response: { status: held.status, body: held.body ?? '', headers: JSON.parse(held.headers ?? '{}') as Record<string, string> },
    }
  }

  async complete({ scope, key, attempt }: { scope: string; key: string; attempt?: string }, response: StoredResponse): Promise<void> {
    await this.db
      .update(idempotencyKeys)
      .set({
        status: response.status,
        body: response.body,
        headers: JSON.stringify(response.headers),
        expiresAt: aDayAfterCreation,
      })
      .where(
        and(this.row(scope, key), isNull(idempotencyKeys.status), attempt === undefined ? undefined : eq(idempotencyKeys.attempt, attempt)),
      )
  }

  /**
   * Deletes keys past their time (the scheduled housekeeping), in batches of `batch` rows so no statement runs long
   * however many expired at once, until none is left or `maxBatches` ran; returns how many. Uses the expires_at index.
   */
  async purgeExpired(now = new Date(), batch = 1000, maxBatches = 100): Promise<number> {
    let total = 0
    for (let round = 0; round < maxBatches; round++) {
      const expired = this.db
        .select({ rowid: sql`rowid` })
        .from(idempotencyKeys)
        .where(lt(idempotencyKeys.expiresAt, now.toISOString()))
        .limit(batch)
      const removed = await this.db
        .delete(idempotencyKeys)
        .where(inArray(sql`rowid`, expired))
        .returning({ key: idempotencyKeys.key })
      total += removed.length
      if (removed.length < batch) break
    }
    return total
  }

  async release({ scope, key, attempt }: Claim | { scope: string | Guard; key: string; attempt: string }): Promise<void> {
    const where = typeof scope === 'string' ? scope : credentialScope(this.db, scope.access.principal)
    await this.db
      .delete(idempotencyKeys)
      .where(
        and(this.row(where, key), eq(idempotencyKeys.attempt, attempt), isNull(idempotencyKeys.status), isNull(idempotencyKeys.outcome)),
      )
  }
}

const secondsUntil = (time: string, now: Date) => Math.max(1, Math.ceil((Date.parse(time) - now.getTime()) / 1000))
