// ApiError: what the throwing methods (get, post, put, patch, delete, paginate, pages) reject with on any HTTP answer
// that is not a success, and on a repeated cursor. The raw openapi-fetch methods (GET, POST, ...) never throw for a
// status; they return it. When no answer arrives at all, every method rejects with NetworkError, a subclass of ApiError.
import type { components } from './schema.js'

/** The error codes this version of the contract documents. */
export type KnownErrorCode = components['schemas']['ErrorCode']
/**
 * An error code: one of the documented ones, or a code a newer server added. The `string & {}` keeps editor
 * completion for the known codes while a code this SDK does not know yet still type-checks: always have a default
 * branch when you switch on it.
 */
export type ErrorCode = KnownErrorCode | (string & {})
export type ErrorDetail = components['schemas']['ErrorDetail']

/** The code given to an error answer whose body is not the API's error envelope (a proxy's 502 page, say). */
export const UNEXPECTED_RESPONSE = 'UNEXPECTED_RESPONSE'
/** The code given to a 304 for a request that did not ask for one with the `ifNoneMatch` option. */
export const NOT_MODIFIED = 'NOT_MODIFIED'
/** The code of a NetworkError: no HTTP answer could be read at all. */
export const NETWORK_ERROR = 'NETWORK_ERROR'

interface Envelope {
  error: { code: string; message: string; details?: ErrorDetail[]; docs?: string }
  meta?: { requestId?: string }
}

function isEnvelope(body: unknown): body is Envelope {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false
  const error = (body as { error: unknown }).error
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  )
}

/** Milliseconds to wait from a `Retry-After` value (delay-seconds or an HTTP-date); undefined when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // An HTTP-date (IMF-fixdate, or the obsolete forms Date.parse also reads); a date in the past means "now".
  if (!/[a-z]/i.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

export class ApiError extends Error {
  override readonly name: string = 'ApiError'
  /** The HTTP status (400, 401, 404, 409, 412, 422, 429, 500, 503, ...); 0 for a NetworkError. */
  readonly status: number
  /** The API's error code; switch on this, never on the message. Unknown future codes arrive as they are. */
  readonly code: ErrorCode
  /** Per-field problems of a VALIDATION_ERROR (`field`, `in`, `message`); undefined otherwise. */
  readonly details: ErrorDetail[] | undefined
  /** The request id (`meta.requestId`, else the `X-Request-Id` header): quote it when you report a problem. */
  readonly requestId: string | undefined
  /** A link to the documentation of this error code. */
  readonly docs: string | undefined
  /** How long the server asked to wait before retrying (`Retry-After`, on 429, 503 and an in-flight 409), in ms. */
  readonly retryAfterMs: number | undefined
  /** The raw response (its body has been read). */
  readonly response: Response

  constructor(response: Response, body: unknown) {
    const envelope = isEnvelope(body) ? body : undefined
    const message = envelope
      ? envelope.error.message
      : response.status === 304
        ? '304 Not Modified for a request that did not pass the ifNoneMatch option; pass it to get the 304 as a result'
        : `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}: the body is not the API's error envelope`
    super(message)
    this.status = response.status
    this.code = envelope?.error.code ?? (response.status === 304 ? NOT_MODIFIED : UNEXPECTED_RESPONSE)
    this.details = envelope?.error.details
    this.requestId = envelope?.meta?.requestId ?? response.headers.get('X-Request-Id') ?? undefined
    this.docs = envelope?.error.docs
    this.retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'))
    this.response = response
  }
}

/**
 * No HTTP answer could be read: the network failed or the host is unreachable (`reason: 'network'`, after the client's
 * retries), or, in a browser, the API answered but the browser refused to let this page read it, because the page's
 * origin is not one the API allows (`reason: 'cors'`; not retried: it will not change until the API lists the origin in
 * its CORS_ORIGINS). `status` is 0, `code` NETWORK_ERROR, `response` is `Response.error()`, `cause` fetch's own error.
 */
export class NetworkError extends ApiError {
  override readonly name: string = 'NetworkError'
  readonly reason: 'network' | 'cors'
  readonly url: string

  constructor(url: string, cause: unknown, reason: 'network' | 'cors', pageOrigin?: string) {
    const origin = new URL(url).origin
    const message =
      reason === 'cors'
        ? `The browser refused to let this page (${pageOrigin ?? 'its origin'}) read ${origin}'s answer: CORS. Add the page's origin to the API's CORS_ORIGINS (see "CORS" in the API's docs).`
        : `No answer from ${origin}: ${cause instanceof Error ? cause.message : String(cause)}`
    super(Response.error(), { error: { code: NETWORK_ERROR, message } })
    this.reason = reason
    this.url = url
    Object.defineProperty(this, 'cause', { value: cause, enumerable: false, configurable: true, writable: true })
  }
}

/** `error instanceof ApiError`, optionally with one of the given codes: `isApiError(error, 'NOT_FOUND')`. */
export function isApiError(error: unknown, ...codes: ErrorCode[]): error is ApiError {
  return error instanceof ApiError && (codes.length === 0 || codes.includes(error.code))
}
