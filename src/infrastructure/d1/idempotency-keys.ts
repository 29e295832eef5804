import { and, eq, lt, sql } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from '../../application/ports'
import { idempotencyKeys } from './schema'

// A finished request's response is kept for a day (complete()); an unfinished one's claim is a lease far shorter, though longer than
// any request runs, so a claim whose request died (a crash, a cancelled invocation) frees its key minutes later.
export const LEASE_MS = 2 * 60 * 1000

export class D1IdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: DrizzleD1Database) {}

  private row(scope: string, key: string) {
    return and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key))
  }

  async begin(scope: string, key: string, fingerprint: string): Promise<IdempotencyBegin> {
    const now = new Date()
    // One transaction: drop an expired claim, try to claim, read whoever holds it. The primary key decides races.
    const [, claimed, [held]] = await this.db.batch([
      this.db.delete(idempotencyKeys).where(and(this.row(scope, key), lt(idempotencyKeys.expiresAt, now.toISOString()))),
      this.db
        .insert(idempotencyKeys)
        .values({ scope, key, fingerprint, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + LEASE_MS).toISOString() })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key }),
      this.db
        .select({
          fingerprint: idempotencyKeys.fingerprint,
          status: idempotencyKeys.status,
          body: idempotencyKeys.body,
          headers: idempotencyKeys.headers,
        })
        .from(idempotencyKeys)
        .where(this.row(scope, key)),
    ])
    if (claimed.length) return { state: 'started' }
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
