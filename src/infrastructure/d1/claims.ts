import { and, eq, exists, isNull, sql, type SQL } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { Claim, Outcome } from '../../application/idempotency'
import { idempotencyKeyInUse } from '../../domain/errors'
import { aDayAfterCreation, LEASE_SECONDS } from './idempotency-keys'
import { idempotencyKeys } from './schema'

/**
 * What a create adds to its own batch when it runs under a claim (without one, nothing is guarded and nothing recorded):
 * - `holds`, for the insert's WHERE: the claim is still this attempt's, unfinished and without an outcome;
 * - `record`: the outcome, written only when the row `created` names exists (so only when the insert happened), and
 *   the claim kept a day from then on, like a finished one;
 * - `check`: who holds the key now, for `verify`, which says 409 IDEMPOTENCY_KEY_IN_USE when it is no longer this attempt
 *   (its lease ran out and another attempt claimed the key): then nothing was created.
 * So the creation and its outcome are one transaction: no retry can find the one without the other.
 */
export function claimGuard(db: DrizzleD1Database, claim: Claim | undefined, created: SQL, outcome: Outcome) {
  const mine = claim
    ? and(
        eq(idempotencyKeys.scope, claim.scope),
        eq(idempotencyKeys.key, claim.key),
        eq(idempotencyKeys.attempt, claim.attempt),
        isNull(idempotencyKeys.status),
      )
    : sql`0`
  return {
    holds: claim
      ? exists(
          db
            .select({ one: sql`1` })
            .from(idempotencyKeys)
            .where(and(mine, isNull(idempotencyKeys.outcome))),
        )
      : undefined,
    record: db
      .update(idempotencyKeys)
      .set({ outcome: JSON.stringify(outcome), expiresAt: aDayAfterCreation })
      .where(and(mine, created)),
    check: db
      .select({ attempt: idempotencyKeys.attempt })
      .from(idempotencyKeys)
      .where(claim ? and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key)) : sql`0`),
    verify(rows: { attempt: string }[]) {
      if (claim && rows[0]?.attempt !== claim.attempt) throw idempotencyKeyInUse(LEASE_SECONDS)
    },
  }
}
