/** Failures the business rules name. The http layer maps each code to its status; nothing here knows HTTP. */
type DomainErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHORIZED' | 'INVALID_CREDENTIALS' | 'PRECONDITION_FAILED'

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'DomainError'
  }
}

export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`)
export const conflict = (message: string) => new DomainError('CONFLICT', message)
export const forbidden = (message = 'You are not allowed to do this') => new DomainError('FORBIDDEN', message)
export const preconditionFailed = () =>
  new DomainError('PRECONDITION_FAILED', 'The resource changed since you read it (If-Match did not match); read it again and retry')
export const unauthorized = (message = 'Authentication required') => new DomainError('UNAUTHORIZED', message)
