import type { Access, Caller, Permission } from '../domain/access'
import type { PageRequest } from '../domain/page'
import type { Post } from '../domain/post'
import type { ApiKey, KeyScope } from '../domain/api-key'
import type { Role, User } from '../domain/user'

/**
 * Who asks and what they must be allowed to do. A repository checks it in the same round trip as the operation: it
 * reads the caller first and guards the write with the same rule in SQL, then throws 401 or 403 (domain/access.ts's
 * authorize) when it failed; nothing was written then.
 */
export interface Guard {
  access: Access
  permission?: Permission
}

export type UserSort = 'createdAt' | 'name'
export type PostSort = 'createdAt' | 'title'

export interface NewUser {
  email: string
  name: string
  role: Role
  password: string
}

export type UserChanges = Partial<Pick<User, 'email' | 'name' | 'role'>>

/** Users: their public record. Creating one sets its password, which only the implementation ever sees again. */
export interface UserRepository {
  list(request: PageRequest<UserSort>): Promise<{ items: User[]; total: number }>
  get(id: string): Promise<User | null>
  /** The caller as stored now (an authenticated read of nothing else). */
  caller(guard: Guard): Promise<Caller>
  /** Throws CONFLICT when the email is taken. Without a guard, a sign-up. */
  create(user: NewUser, guard?: Guard): Promise<User>
  /**
   * Null when the user does not exist; throws CONFLICT when the email is taken, PRECONDITION_FAILED when `ifVersion`
   * is given and the stored version is not among it, and REAUTHENTICATION_REQUIRED when the email would change to
   * another address (case aside) and `emailConfirmed` is false. Nothing is written when it throws.
   */
  update(
    guard: Guard,
    id: string,
    changes: UserChanges,
    ifVersion: number[] | undefined,
    options: { emailConfirmed: boolean },
  ): Promise<User | null>
  /** Deletes the user and all their posts atomically; the posts removed, or null when there was no user. Throws like update. */
  delete(guard: Guard, id: string, ifVersion?: number[]): Promise<{ posts: string[] } | null>
}

/**
 * The caller's own account. With `movingEmail`, an attempt is made (and counted) only while that user's stored email
 * is another address than `to`: a password sent beside an email that does not change is not asked for.
 */
export type CallerAccount = { caller: Guard; movingEmail?: { userId: string; to: string } }

/** Passwords, locks and sessions of users: what signing in and out needs. Password hashes stay inside the implementation. */
export interface Credentials {
  /**
   * A password attempt on the account with this email (compared without ASCII case; an email no account has is counted
   * alike), or on the guarded caller's own (a caller the guard refuses makes no attempt), from a client network. Every
   * attempt counts until one succeeds (`passwordAccepted`), against that network and against the account: the 5th, 10th,
   * … in a row from one network lock that network out of the account, the 100th, 200th, … from all of them together
   * lock the account, for 1, 2, 4, 8 and then 16 minutes, during which no attempt is evaluated. Atomic, so parallel
   * guesses cannot pass a lock.
   */
  attemptPassword(account: { email: string; address: string } | CallerAccount, password: string, now: number): Promise<PasswordAttempt>
  /** Clears the network's failed attempts, and the account-wide streak, after a password was accepted. */
  passwordAccepted(userId: string, address: string): Promise<void>
  /**
   * Undoes the count of an attempt made at `now` whose answer was lost (the database failed; whether it counted is not
   * known), so a password never judged never counts towards a lock. Nothing when a later attempt came since.
   */
  attemptLost(account: { email: string; address: string } | CallerAccount, now: number): Promise<void>
  /** Sets the caller's new password and ends every token issued before (returns the new token generation). */
  changePassword(guard: Guard, password: string): Promise<{ user: User; tokenGeneration: number }>
  /** Ends every token issued to the caller so far. */
  endSessions(guard: Guard): Promise<void>
}

export type PasswordAttempt =
  { outcome: 'accepted'; user: User; tokenGeneration: number } | { outcome: 'refused' } | { outcome: 'locked'; until: number }

export interface NewPost {
  authorId: string
  title: string
  body: string
}

export type PostChanges = Partial<Pick<Post, 'title' | 'body'>>

export interface PostRepository {
  list(request: PageRequest<PostSort> & { authorId?: string }): Promise<{ items: Post[]; total: number }>
  /** Null when the author does not exist (so "no such user" and "no posts" differ). */
  listByAuthor(authorId: string, request: PageRequest<PostSort>): Promise<{ items: Post[]; total: number } | null>
  get(id: string): Promise<Post | null>
  /** Null when the author does not exist. */
  create(guard: Guard, post: NewPost): Promise<Post | null>
  /** Null when there is no such post by that author; PRECONDITION_FAILED as for users. */
  update(guard: Guard, id: string, authorId: string, changes: PostChanges, ifVersion?: number[]): Promise<Post | null>
  delete(guard: Guard, id: string, authorId: string, ifVersion?: number[]): Promise<boolean>
}

export interface IssuedToken {
  token: string
  expiresAt: string
}

export interface TokenClaims {
  userId: string
  /** The user's token generation when it was issued: a token of an older one has been signed out. */
  generation: number
  /** When it was issued (`iat`, epoch seconds): a login that recent (domain/access.ts) may mint keys and delete the account. */
  issuedAt: number
}

export interface TokenService {
  issue(user: Pick<User, 'id' | 'role'>, generation: number): Promise<IssuedToken>
  /** What the token says, or null when it is invalid, expired or has no expiry. */
  verify(token: string): Promise<TokenClaims | null>
}

export interface EmailService {
  sendWelcome(to: Pick<User, 'email' | 'name'>): Promise<void>
}

/** Sign-ups still owed their welcome email: sent after the answer, and by the cron job when that failed. */
export interface Welcomes {
  /** Records that the user's welcome email was sent. */
  sent(userId: string): Promise<void>
  /** Up to `limit` users who signed up before `createdBefore` and were not welcomed yet, oldest first. */
  pending(createdBefore: string, limit: number): Promise<Pick<User, 'id' | 'email' | 'name'>[]>
}

/** Counts requests per key in a fixed window; false once the key is over its limit. */
export interface RateLimiter {
  allow(key: string): Promise<boolean>
}

/** Starts work after the response without losing it (Workers' waitUntil); the answer never waits for it. */
export type Background = (work: () => Promise<unknown>) => void

export interface IssuedKeySecret {
  /** The whole key, shown to its owner once and never stored. */
  secret: string
  hash: string
  prefix: string
  last4: string
}

/** Making API key secrets and recognising them (a key this API issued, before any database read). */
export interface ApiKeySecrets {
  /** Whether a bearer credential is meant as an API key (its prefix) rather than a login token. */
  looksLikeKey(credential: string): boolean
  issue(): Promise<IssuedKeySecret>
  /** The hash to look the key up by, or null when this API never issued a key of that shape. */
  recognise(credential: string): Promise<string | null>
}

export interface NewApiKey {
  name: string
  scopes: KeyScope[]
  expiresAt: string | null
  secret: IssuedKeySecret
}

/** The caller's own API keys: each method is guarded, and acts on the keys of the user the guard confirms. */
export interface ApiKeyRepository {
  /** Null when the caller already has MAX_ACTIVE_KEYS active keys (checked in the same statement). */
  create(guard: Guard, key: NewApiKey, maxActive: number): Promise<ApiKey | null>
  /** The caller's active keys (not revoked; expired ones too, so their owner sees them lapse). */
  list(guard: Guard, request: PageRequest<'createdAt'>): Promise<{ items: ApiKey[]; total: number }>
  /** One of the caller's keys, revoked or not; null when they have none with this id. */
  find(guard: Guard, id: string): Promise<ApiKey | null>
  /** False when the caller has no such active key. */
  revoke(guard: Guard, id: string): Promise<boolean>
  /** Records a use (after the answer; at most once a minute per key). */
  touch(id: string, at: string): Promise<void>
}
