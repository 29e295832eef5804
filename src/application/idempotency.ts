import type { Guard } from './ports'

/** What an Idempotency-Key remembers: the ports of http/idempotency.ts and of its store. */
export interface StoredResponse {
  status: number
  body: string
  headers: Record<string, string>
}

/**
 * A request's hold on its Idempotency-Key, while it runs: `attempt` names this claim apart from any later one on the
 * same key. A create run under a claim records what it made in the same transaction as the creation.
 */
export interface Claim {
  scope: string
  key: string
  attempt: string
}

/** What a create run under a claim made: the new row's id, and for an API key its secret, sealed. */
export interface Outcome {
  id: string
  secret?: string
}

export type IdempotencyBegin =
  | { state: 'started'; claim: Claim }
  | { state: 'replay'; response: StoredResponse }
  /** The first attempt created something and its answer was lost: the outcome is known, its response is not. */
  | { state: 'committed'; outcome: Outcome }
  | { state: 'in-progress'; retryAfterSeconds: number }
  | { state: 'mismatch' }

/** Remembers the first response to a (scope, key) so a retried POST replays it instead of acting twice. */
export interface IdempotencyStore {
  /**
   * Claims the key atomically; exactly one concurrent caller gets `started`. The owner is a scope string for a request
   * without a caller, or the caller's guard: a credential it refuses (401, or 403 for a missing scope) claims nothing,
   * and the scope is then the credential's (its user for a token, the key itself for an API key). The operation's own
   * permission is checked by its write; a refused write releases the key.
   */
  begin(
    owner: string | Guard,
    key: string,
    fingerprint: string,
    /** Names this claim apart from any other on the key (a fresh random id per attempt). */
    attempt: string,
    /** For a request without a caller that names an account (register, login): its lock is read in the same round trip. */
    account?: string,
  ): Promise<IdempotencyBegin & { scope: string; lockedUntil?: number | null }>
  /**
   * Stores the first response, while the claim is unfinished and, when `attempt` is given, still that attempt's: an
   * attempt that outlived its lease never writes into its successor's claim.
   */
  complete(claim: { scope: string; key: string; attempt?: string }, response: StoredResponse): Promise<void>
  /**
   * Frees the claim after its attempt failed or was refused, so the client can retry; only while the claim is still
   * this attempt's and recorded no outcome: a claim whose create committed is never freed, whatever the error said.
   * Also takes the owner as begin() did, for a begin() whose answer was lost (whether it claimed the key is not known).
   */
  release(claim: Claim | { scope: string | Guard; key: string; attempt: string }): Promise<void>
}
