/** Failures the business rules name. The http layer maps each code to its status; nothing here knows HTTP. */
type DomainErrorCode =
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHORIZED'
  | 'INVALID_CREDENTIALS'
  | 'PRECONDITION_FAILED'
  | 'RATE_LIMITED'
  | 'REAUTHENTICATION_REQUIRED'
  | 'IDEMPOTENCY_KEY_IN_USE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'INVALID_CURSOR'
  | 'SERVICE_UNAVAILABLE'
  | 'QUOTA_EXCEEDED'
  | 'VALIDATION_ERROR'

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** When the same request may succeed again, in seconds from now. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
    this.name = 'DomainError'
  }
}

/** A field of the request breaks a rule that depends on the deployment (400 VALIDATION_ERROR naming the field). */
export class InvalidField extends DomainError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('VALIDATION_ERROR', message)
  }
}

export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`)
export const conflict = (message: string, retryAfterSeconds?: number) => new DomainError('CONFLICT', message, retryAfterSeconds)
export const forbidden = (message = 'You are not allowed to do this') => new DomainError('FORBIDDEN', message)
export const preconditionFailed = () =>
  new DomainError('PRECONDITION_FAILED', 'The resource changed since you read it (If-Match did not match); read it again and retry')
export const unauthorized = (message = 'Authentication required') => new DomainError('UNAUTHORIZED', message)
export const invalidCredentials = () => new DomainError('INVALID_CREDENTIALS', 'Email or password is wrong')
export const reauthenticationRequired = (message = 'Send your current password as currentPassword to change an email or a password') =>
  new DomainError('REAUTHENTICATION_REQUIRED', message)

/** Too many failed password attempts in a row: the account takes none until `until` (epoch ms). */
export function accountLocked(until: number, now: number) {
  const seconds = Math.max(1, Math.ceil((until - now) / 1000))
  return new DomainError('RATE_LIMITED', `Too many failed password attempts on this account; retry after ${seconds} seconds`, seconds)
}

/** Another attempt holds the request's Idempotency-Key, for at most `retryAfterSeconds` more (its lease). */
export const idempotencyKeyInUse = (retryAfterSeconds: number) =>
  new DomainError(
    'IDEMPOTENCY_KEY_IN_USE',
    `A request with this Idempotency-Key is still being processed; retry the same request after ${retryAfterSeconds} seconds`,
    retryAfterSeconds,
  )

/** A dependency failed: the same request may succeed after `retryAfterSeconds`. */
export const serviceUnavailable = (message: string, retryAfterSeconds = 5) =>
  new DomainError('SERVICE_UNAVAILABLE', message, retryAfterSeconds)

/** A cursor this listing did not issue (forged, damaged, or from another listing). */
export const invalidCursor = () =>
  new DomainError(
    'INVALID_CURSOR',
    'This cursor was not issued by this listing; send meta.nextCursor back as it was received, or start again without one',
  )

/** A rate limit is reached: the same request may go through after `retryAfterSeconds`. */
export const rateLimited = (retryAfterSeconds: number) =>
  new DomainError('RATE_LIMITED', `Too many requests; retry after ${retryAfterSeconds} seconds`, retryAfterSeconds)

export const quotaExceeded = (posts: number, mebibytes: number) =>
  new DomainError(
    'QUOTA_EXCEEDED',
    `An account keeps at most ${posts} posts and ${mebibytes} MiB of titles and bodies; delete or shorten some first`,
  )
