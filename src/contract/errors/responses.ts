import { z } from '@hono/zod-openapi'
import { answerHeaders, conflictHeaders, rateLimitHeaders } from '../common/headers'
import { Meta } from '../common/envelopes'
import { examples } from '../common/primitives'
import { codesWithStatus, errorAnchor, errorCatalogue, errorCodes, type ErrorCodeValue, type ErrorStatus } from './catalogue'

const ErrorCode = z.enum(errorCodes).openapi('ErrorCode', {
  description: 'Machine-readable error code; stable across releases.',
  example: 'VALIDATION_ERROR',
})

const ErrorDetail = z
  .object({
    field: z.string().openapi({ example: 'email', description: 'Dotted path of the offending field; empty for the whole input.' }),
    message: z.string().openapi({ example: 'Invalid email address' }),
    in: z
      .enum(['body', 'query', 'path', 'header'])
      .openapi('ErrorLocation', { description: 'Where the field was in the request.', example: 'body' }),
  })
  .openapi('ErrorDetail', { example: { field: 'email', message: 'Invalid email address', in: 'body' } })

const errorExample = {
  error: {
    code: 'VALIDATION_ERROR',
    message: 'The request is invalid',
    details: [{ field: 'email', message: 'Invalid email address', in: 'body' }],
    docs: 'https://api.example.com/docs#error-validation-error',
  },
  meta: { timestamp: examples.time, requestId: examples.requestId },
} as const

export const ErrorResponse = z
  .object({
    error: z
      .object({
        code: ErrorCode,
        message: z.string().openapi({ example: 'The request is invalid', description: 'Human-readable; may change between releases.' }),
        details: z
          .array(ErrorDetail)
          .max(20)
          .optional()
          .openapi({ description: 'Present on VALIDATION_ERROR: one entry per problem, the first 20 of them.' }),
        omittedDetails: z.int().min(1).max(2_147_483_647).optional().openapi({
          format: 'int32',
          description: 'How many more problems there were than `details` lists; absent when it lists them all.',
          example: 3,
        }),
        docs: z.url().max(256).openapi({
          description: "Link to this code's entry in the error catalogue (the Errors section of the docs).",
          example: 'https://api.example.com/docs#error-validation-error',
        }),
      })
      .openapi('ErrorBody', { example: errorExample.error }),
    meta: Meta,
  })
  .openapi('ErrorResponse', { example: errorExample })
export type ErrorResponseBody = z.infer<typeof ErrorResponse>

/** What each status means to a client; the codes sent with it are appended from the catalogue. */
const statusSummaries: Record<ErrorStatus, string> = {
  400: 'The request is malformed or fails validation',
  401: 'Missing, invalid or expired credentials',
  403: 'Authenticated but not allowed',
  404: 'The resource does not exist',
  405: 'The method is not allowed on this path',
  409: 'The request conflicts with the current state, e.g. a duplicate email',
  412: 'A precondition such as If-Match failed',
  413: 'The request body is larger than 64 KiB',
  415: 'The request body is not application/json',
  422: 'Well-formed but not processable here: an Idempotency-Key used with another request, or a cursor this listing did not issue',
  429: 'Too many requests; retry after Retry-After seconds',
  500: 'An unexpected error; the requestId identifies it in the logs',
  503: 'The service is not configured correctly or a dependency is unavailable; retry later',
}
const describeStatus = (status: ErrorStatus) => `${statusSummaries[status]} (${codesWithStatus(status).join(', ')}).`

const camel = (code: string) => code.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

type ExampleCodes = Partial<Record<ErrorStatus, ErrorCodeValue[]>>

/** Codes only some operations send, so they appear only where an operation names them (`only`). */
const onlyWhereNamed: ErrorCodeValue[] = ['INVALID_CREDENTIALS', 'INVALID_CURSOR', 'REAUTHENTICATION_REQUIRED', 'QUOTA_EXCEEDED']

/**
 * The codes an operation can send with this status, for its named examples. Some codes only some operations send:
 * INVALID_JSON where a JSON body is read (those operations list 415), INVALID_CREDENTIALS on login alone, INVALID_CURSOR
 * on lists and IDEMPOTENCY_KEY_REUSED on POSTs (passed as `only` by errorResponsesWith).
 */
function codesFor(status: ErrorStatus, statuses: readonly ErrorStatus[], only: ExampleCodes): ErrorCodeValue[] {
  const byDefault = codesWithStatus(status).filter(
    (code) => !onlyWhereNamed.includes(code) && (code !== 'INVALID_JSON' || statuses.includes(415)),
  )
  return only[status] ?? byDefault
}

/** A named example for each code, built from the catalogue so it cannot drift from it. */
function errorExamples(codes: ErrorCodeValue[]) {
  return Object.fromEntries(
    codes.map((code) => [
      camel(code),
      {
        summary: errorCatalogue[code].title,
        value: {
          error: {
            code,
            message: errorCatalogue[code].title,
            ...(code === 'VALIDATION_ERROR' ? { details: errorExample.error.details } : {}),
            docs: `https://api.example.com/docs#${errorAnchor(code)}`,
          },
          meta: errorExample.meta,
        },
      },
    ]),
  )
}

// An error after the request read D1 (a 404, a 409, a failed precondition, an authenticated 400) has a bookmark too.
const errorHeaders = z.object(answerHeaders)

function errorResponse(status: ErrorStatus, codes: ErrorCodeValue[]) {
  return {
    description: describeStatus(status),
    headers: status === 429 ? rateLimitHeaders : status === 409 ? conflictHeaders : errorHeaders,
    content: { 'application/json': { schema: ErrorResponse, examples: errorExamples(codes) } },
  }
}

/** The error envelope for each listed status, so an operation documents every error it can return. */
function errorResponsesOf<const S extends ErrorStatus[]>(statuses: S, only: ExampleCodes = {}) {
  return Object.fromEntries([...new Set(statuses)].map((status) => [status, errorResponse(status, codesFor(status, statuses, only))])) as {
    [K in S[number]]: ReturnType<typeof errorResponse>
  }
}

/**
 * For /api operations: the listed statuses plus what any of them can answer: 429 (rate limits), 500, and 503 (misconfigured),
 * with the example codes of some statuses named when they differ (login's 401 is INVALID_CREDENTIALS, never UNAUTHORIZED).
 */
export const errorResponsesWith = <const S extends ErrorStatus[]>(only: ExampleCodes, ...statuses: S) =>
  errorResponsesOf([...statuses, 429, 500, 503] as [...S, 429, 500, 503], only)

/** errorResponsesWith, with every status's usual example codes. */
export const errorResponses = <const S extends ErrorStatus[]>(...statuses: S) => errorResponsesWith({}, ...statuses)

/** Outside /api (health): no rate limit and no configuration to miss, so only bad parameters and bugs make errors. */
export const healthErrorResponses = () => errorResponsesOf([400, 500])

/** Errors every JSON-body operation can return before its handler runs. */
export const bodyErrors = [400, 413, 415] as const

/** Errors an Idempotency-Key adds to a POST: a retry while the first runs (409), a reused key (422). */
export const idempotencyErrors = [409, 422] as const

/** The errors of a list operation: bad parameters (400) and a cursor it did not issue (422). */
export const listErrors = <const S extends ErrorStatus[]>(...more: S) => errorResponsesWith({ 422: ['INVALID_CURSOR'] }, 400, ...more, 422)
