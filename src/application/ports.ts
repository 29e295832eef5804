import type { PageRequest } from '../domain/page'
import type { Post } from '../domain/post'
import type { Role, User } from '../domain/user'

export type UserSort = 'createdAt' | 'name'
export type PostSort = 'createdAt' | 'title'

export interface NewUser {
  email: string
  name: string
  role: Role
  password: string
}

export type UserChanges = Partial<Pick<User, 'email' | 'name' | 'role'>>

/** Users and their credentials. Password hashes stay inside the implementation. */
export interface UserRepository {
  list(request: PageRequest<UserSort>): Promise<{ items: User[]; total: number }>
  get(id: string): Promise<User | null>
  /** Throws CONFLICT when the email is taken. */
  create(user: NewUser): Promise<User>
  /**
   * Null when the user does not exist; throws CONFLICT when the email is taken and PRECONDITION_FAILED when
   * `ifVersion` is given and the stored version is not among it (nothing is written then).
   */
  update(id: string, changes: UserChanges, ifVersion?: number[]): Promise<User | null>
  /** Deletes the user and all their posts atomically; the posts removed, or null when there was no user. Throws like update. */
  delete(id: string, ifVersion?: number[]): Promise<{ posts: string[] } | null>
  /** The user when the password matches; null for an unknown email or a wrong password alike. */
  verifyCredentials(email: string, password: string): Promise<User | null>
}

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
  create(post: NewPost): Promise<Post | null>
  /** Null when there is no such post by that author; PRECONDITION_FAILED as for users. */
  update(id: string, authorId: string, changes: PostChanges, ifVersion?: number[]): Promise<Post | null>
  delete(id: string, authorId: string, ifVersion?: number[]): Promise<boolean>
}

export interface IssuedToken {
  token: string
  expiresAt: string
}

export interface TokenService {
  issue(user: Pick<User, 'id' | 'role'>): Promise<IssuedToken>
  /** The user id the token names, or null when it is invalid or expired. */
  verify(token: string): Promise<string | null>
}

export interface EmailService {
  sendWelcome(to: Pick<User, 'email' | 'name'>): Promise<void>
}

/** Counts requests per key in a fixed window; false once the key is over its limit. */
export interface RateLimiter {
  allow(key: string): Promise<boolean>
}

/** Runs work after the response without losing it (Workers' waitUntil). */
export type Background = (work: Promise<unknown>) => void

export interface StoredResponse {
  status: number
  body: string
  headers: Record<string, string>
}

export type IdempotencyBegin =
  { state: 'started' } | { state: 'replay'; response: StoredResponse } | { state: 'in-progress' } | { state: 'mismatch' }

/** Remembers the first response to a (scope, key) so a retried POST replays it instead of acting twice. */
export interface IdempotencyStore {
  /** Claims the key atomically; exactly one concurrent caller gets `started`. */
  begin(scope: string, key: string, fingerprint: string): Promise<IdempotencyBegin>
  complete(scope: string, key: string, response: StoredResponse): Promise<void>
  /** Releases the key after a failure, so the client can retry. */
  release(scope: string, key: string): Promise<void>
}
