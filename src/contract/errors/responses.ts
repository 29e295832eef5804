import { z } from '@hono/zod-openapi'
import { answerHeaders, conflictHeaders, retryHeaders } from '../common/headers'
import { Meta } from '../common/envelopes'
import { examples } from '../common/primitives'
import { codesWithStatus, errorAnchor, errorCatalogue, errorCodes, statusOf, type ErrorCodeValue, type ErrorStatus } from './catalogue'

const ErrorCode = z.enum(errorCodes).openapi('ErrorCode', {
  description: 'Machine-readable error code; stable across releases.',
  example: 'VALIDATION_ERROR',
})

const ErrorDetail = z
  .object({
    field: z.string().openapi({ example: 'email', description: 'Dotted path of the offending field; empty for the whole input.' }),
    message: z.string().openapi({
      example: 'email must be an email address such as alice@example.com',
      description: 'The field and the rule it broke, in plain English; may change between releases.',
    }),
    in: z
      .enum(['body', 'query', 'path', 'header'])
      .openapi('ErrorLocation', { description: 'Where the field was in the request.', example: 'body' }),
  })
  .openapi('ErrorDetail', { example: { field: 'email', message: 'email must be an email address such as alice@example.com', in: 'body' } })

const errorExample = {
  error: {
    code: 'VALIDATION_ERROR',
    message: 'The request is invalid',
    details: [{ field: 'email', message: 'email must be an email address such as alice@example.com', in: 'body' }],
    docs: 'https://api.example.com/docs#error-validation-error',
  },
  meta: { timestamp: examples.time, requestId: examples.requestId },
} as const

const errorFields = {
  message: z
    .string()
    .openapi('ErrorMessage', { example: 'The request is invalid', description: 'Human-readable; may change between releases.' }),
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
}

/** The envelope of every error, with any code: what an undocumented path answers, and what the SDK reads. */
export const ErrorResponse = z
  .object({ error: z.object({ code: ErrorCode, ...errorFields }).openapi('ErrorBody', { example: errorExample.error }), meta: Meta })
  .openapi('ErrorResponse', { example: errorExample })
export type ErrorResponseBody = z.infer<typeof ErrorResponse>

/** What each status means to a client; each response then names the codes it carries. */
const statusSummaries: Record<ErrorStatus, string> = {
  400: 'The request is malformed or fails validation',
  401: 'Missing, invalid or refused credentials',
  403: 'Authenticated but not allowed',
  404: 'The resource does not exist',
  405: 'The method is not allowed on this path',
  409: 'The request conflicts with the current state, or a request with the same Idempotency-Key is still running',
  412: 'The If-Match precondition failed',
  413: 'The request body is larger than 64 KiB',
  415: 'The request body is not application/json',
  422: 'Well-formed but not processable here',
  428: 'A versioned write needs If-Match',
  429: 'Too many requests; retry after Retry-After seconds',
  500: 'An unexpected error; the requestId identifies it in the logs',
  503: 'A dependency failed or the service is misconfigured; retry after Retry-After seconds (a write may have been applied: retry it with the same Idempotency-Key or If-Match)',
}
const describe = (status: ErrorStatus, codes: readonly ErrorCodeValue[]) =>
  `${statusSummaries[status]}. \`error.code\` is ${codes.map((code) => `\`${code}\` (${errorCatalogue[code].title})`).join(' or ')}.`

const camel = (code: string) => code.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

/** A named example for each code, built from the catalogue so it cannot drift from it. */
function errorExamples(codes: readonly ErrorCodeValue[]) {
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

/** The envelope as one response sends it: `error.code` narrowed to the codes that response can carry. */
const envelopeWith = (codes: readonly ErrorCodeValue[]) =>
  z.object({
    error: z.object({
      code: z.enum(codes as [ErrorCodeValue, ...ErrorCodeValue[]]).openapi({
        description: 'The codes this operation can send with this status (the ErrorCode enum lists every code of the API).',
        example: codes[0],
      }),
      ...errorFields,
    }),
    meta: Meta,
  })

function errorResponse(status: ErrorStatus, codes: readonly ErrorCodeValue[]) {
  return {
    description: describe(status, codes),
    headers: status === 429 || status === 503 ? retryHeaders : status === 409 ? conflictHeaders : errorHeaders,
    content: { 'application/json': { schema: envelopeWith(codes), examples: errorExamples(codes) } },
  }
}

type Codes = ErrorCodeValue | readonly ErrorCodeValue[]
type CodesIn<A extends readonly Codes[]> = Extract<A[number], ErrorCodeValue> | Extract<A[number], readonly ErrorCodeValue[]>[number]
type StatusOf<C extends ErrorCodeValue> = (typeof errorCatalogue)[C]['status']
type ErrorResponses<C extends ErrorCodeValue> = { [S in StatusOf<C>]: ReturnType<typeof errorResponse> }

/** One error response per status the codes are sent with, each naming exactly its codes (in catalogue order). */
function errorResponsesOf<C extends ErrorCodeValue>(given: readonly Codes[]): ErrorResponses<C> {
  const codes = new Set(given.flat())
  const statuses = [...new Set(errorCodes.filter((code) => codes.has(code)).map(statusOf))]
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      errorResponse(
        status,
        codesWithStatus(status).filter((code) => codes.has(code)),
      ),
    ]),
  ) as ErrorResponses<C>
}

/**
 * Codes that come together. An operation lists the groups and single codes it can send (a new code: one line, here or
 * in the operation); statuses, descriptions, the narrowed `error.code` and the examples all follow from the list.
 */
export const errors = {
  /** Every /api operation: rate limits and account locks, bugs, a misconfigured deployment. */
  api: ['RATE_LIMITED', 'INTERNAL_ERROR', 'SERVICE_UNAVAILABLE'],
  /** Parameters (an unknown query parameter, a malformed id or header). */
  input: ['VALIDATION_ERROR'],
  /** A JSON body is read. */
  body: ['VALIDATION_ERROR', 'INVALID_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'],
  /** Credentials required: missing or refused (401), or without the scope or role the operation needs (403). */
  credentials: ['UNAUTHORIZED', 'FORBIDDEN'],
  /** An Idempotency-Key is taken: a retry while the first attempt still holds it, a key reused for another request. */
  idempotency: ['IDEMPOTENCY_KEY_IN_USE', 'IDEMPOTENCY_KEY_REUSED'],
  /** A versioned write: If-Match missing, or no longer the resource's tag. */
  ifMatch: ['PRECONDITION_REQUIRED', 'PRECONDITION_FAILED'],
  /** A list: bad paging or filters, a cursor this listing did not issue. */
  list: ['VALIDATION_ERROR', 'INVALID_CURSOR'],
} as const satisfies Record<string, readonly ErrorCodeValue[]>

/** The error responses of an /api operation: the codes given, and `errors.api`. */
export const errorResponses = <const A extends readonly Codes[]>(...codes: A) =>
  errorResponsesOf<CodesIn<A> | (typeof errors.api)[number]>([...codes, errors.api])

/** Outside /api (health): no rate limit and no configuration to miss, so only bad parameters and bugs make errors. */
export const healthErrorResponses = () => errorResponsesOf<'VALIDATION_ERROR' | 'INTERNAL_ERROR'>(['VALIDATION_ERROR', 'INTERNAL_ERROR'])
