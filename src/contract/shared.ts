import { z } from '@hono/zod-openapi'
import { errorAnchor, errorCatalogue } from './error-catalogue'

/** Every machine-readable error code the API can send. Clients switch on these, never on messages. */
export const errorCodes = [
  'VALIDATION_ERROR',
  'INVALID_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHORIZED',
  'INVALID_CREDENTIALS',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'IDEMPOTENCY_KEY_REUSED',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
] as const
export type ErrorCodeValue = (typeof errorCodes)[number]

/** The HTTP status each code is sent with: one code, one status. */
export const errorStatus = {
  VALIDATION_ERROR: 400,
  INVALID_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<ErrorCodeValue, number>
export type ErrorStatus = (typeof errorStatus)[ErrorCodeValue]

export const ErrorCode = z.enum(errorCodes).openapi('ErrorCode', {
  description: 'Machine-readable error code; stable across releases.',
  example: 'VALIDATION_ERROR',
})

const exampleRequestId = '7f3c2a1e-4b5d-4e8f-9a0b-1c2d3e4f5a6b'
const exampleTime = '2026-11-25T09:30:00.000Z'

/** A UTC time as Date#toISOString writes it: 24 characters, 27 for years past 9999. */
export const Timestamp = z.iso.datetime().max(30)

// z.uuid() already admits exactly 36 characters; the bound is stated for readers of the document only.
export const Uuid = z.uuid().openapi({ maxLength: 36 })

// hono's requestId middleware replaces any incoming id longer than this (see app.ts).
const requestIdMaxLength = 128

const metaFields = {
  timestamp: Timestamp.openapi({ example: exampleTime, description: 'When the response was produced (UTC).' }),
  requestId: z
    .string()
    .max(requestIdMaxLength)
    .openapi({ example: exampleRequestId, description: 'Also sent as the X-Request-Id header.' }),
}

export const Meta = z.object(metaFields).openapi('Meta', { example: { timestamp: exampleTime, requestId: exampleRequestId } })

const cursorMaxLength = 1024
const exampleCursor =
  'eyJwIjoyLCJuIjoyMCwicyI6ImNyZWF0ZWRBdCIsIm8iOiJkZXNjIiwiayI6InBvc3RzIiwidiI6IjIwMjYtMTEtMjVUMDk6MzA6MDAuMDAwWiIsImkiOiI5YzViOTRiMS0zNWFkLTQ5YmItYjExOC04ZThmYzI0YWJmODAifQ'

// Flat rather than Meta.extend(): extend emits allOf, which SDK generators turn into awkward intersection types.
export const PageMeta = z
  .object({
    ...metaFields,
    // page echoes the query's 1..1,000,000; int32 bounds the counts, as no D1 database (10 GB at most) holds 2^31 rows.
    page: z.int().min(1).max(1_000_000).openapi({ format: 'int32', example: 1 }),
    pageSize: z.int().min(1).max(100).openapi({ format: 'int32', example: 20 }),
    total: z.int().min(0).max(2_147_483_647).openapi({ format: 'int32', example: 42, description: 'Number of items across all pages.' }),
    totalPages: z
      .int()
      .min(0)
      .max(2_147_483_647)
      .openapi({ format: 'int32', example: 3, description: 'ceil(total / pageSize); 0 when there are no items.' }),
    nextCursor: z.string().max(cursorMaxLength).nullable().openapi({
      description:
        'Send as `cursor` (with the same sort, order, pageSize and filters) for the next page at constant cost however deep; null on the last page.',
      example: exampleCursor,
    }),
  })
  .openapi('PageMeta', {
    example: {
      timestamp: exampleTime,
      requestId: exampleRequestId,
      page: 1,
      pageSize: 20,
      total: 42,
      totalPages: 3,
      nextCursor: exampleCursor,
    },
  })

export const ErrorDetail = z
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
  meta: { timestamp: exampleTime, requestId: exampleRequestId },
} as const

export const ErrorResponse = z
  .object({
    error: z
      .object({
        code: ErrorCode,
        message: z.string().openapi({ example: 'The request is invalid', description: 'Human-readable; may change between releases.' }),
        details: z.array(ErrorDetail).optional().openapi({ description: 'Present on VALIDATION_ERROR: one entry per problem.' }),
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

const requestIdHeader = z
  .string()
  .max(requestIdMaxLength)
  .openapi({ description: 'The request id, also in meta.requestId.', example: exampleRequestId })

// One schema object per component name, so a name used by several routes is one component.
const envelopes = new Map<string, z.ZodType>()
function envelope<T extends z.ZodType, M extends z.ZodType>(name: string, data: T, meta: M) {
  const existing = envelopes.get(name)
  if (existing) return existing as z.ZodObject<{ data: T; meta: M }>
  const schema = z.object({ data, meta }).openapi(name)
  envelopes.set(name, schema)
  return schema
}

type ResponseHeaders = Record<string, z.ZodType>

const bookmark = z.string().max(1024).openapi({
  description:
    'D1 session bookmark: send the last one you received back as X-D1-Bookmark, and reads that may go to a replica still see your own writes.',
  example: '0000000a-00000003-00004f3e-4e5ba6a27f2b4c1d8d9e3f6a7b8c9d0e',
})

/** On every answer of /api, errors included: the request id, and the session bookmark once the request touched D1. */
const answerHeaders = { 'X-Request-Id': requestIdHeader, 'X-D1-Bookmark': bookmark.optional() }

/** Request header every /api operation accepts, for read-your-writes across D1 replicas. */
export const sessionHeaders = {
  'X-D1-Bookmark': bookmark.optional().openapi({ param: { name: 'X-D1-Bookmark', in: 'header', required: false } }),
}
export const SessionHeaders = z.object(sessionHeaders)

/** Headers of a cacheable public GET (see the caching section of the description). */
const entityTag = z.string().max(44).openapi({
  description: 'Version of this resource. Send it in If-Match to update or delete only what you read, or in If-None-Match to revalidate.',
  example: '"v3"',
})

/** The ETag of a single resource (made from its version), on every response that returns one. */
export const etagHeader = { ETag: entityTag }

export const cacheHeaders = {
  ETag: z.string().max(44).openapi({
    description:
      'Entity tag of this representation: `"v<n>"` for a single resource, a weak hash for a list. Send it back in If-None-Match.',
    example: '"v3"',
  }),
  'Cache-Control': z
    .string()
    .max(128)
    .openapi({ description: 'How long shared caches may keep the response.', example: 'public, max-age=60, stale-while-revalidate=300' }),
}

/** Sent on a POST response that replays the stored first response to an Idempotency-Key. */
export const replayedHeader = {
  'Idempotent-Replayed': z
    .enum(['true'])
    .optional()
    .openapi({ description: 'Present when this is a replay of the first response to the Idempotency-Key.', example: 'true' }),
}

export const locationHeader = {
  Location: z
    .string()
    .max(128)
    .openapi({ description: 'Path of the created resource.', example: '/api/users/3b241101-e2bb-4255-8caf-4136c566a962' }),
}

/** `{ data, meta }` as a named component `<name>Response`. */
export function dataResponse<T extends z.ZodType>(name: string, schema: T, description: string, headers: ResponseHeaders = {}) {
  return {
    description,
    headers: z.object({ ...answerHeaders, ...headers }),
    content: {
      'application/json': { schema: envelope(`${name}Response`, schema, Meta) },
    },
  }
}

/** A 204: no body, but the request id and, as after every write, the D1 session bookmark. */
export const noContent = (description: string) => ({
  description,
  headers: z.object(answerHeaders),
})

/** `{ data: [...], meta: PageMeta }` as a named component `<name>ListResponse`. */
export function listResponse<T extends z.ZodType>(name: string, schema: T, description: string, headers: ResponseHeaders = {}) {
  return {
    description,
    headers: z.object({ ...answerHeaders, ...headers }),
    content: {
      // A page holds at most pageSize (<= 100) items.
      'application/json': { schema: envelope(`${name}ListResponse`, z.array(schema).max(100), PageMeta) },
    },
  }
}

const errorDescriptions: Record<number, string> = {
  400: 'The request is malformed or fails validation (VALIDATION_ERROR, INVALID_JSON).',
  401: 'Missing, invalid or expired credentials (UNAUTHORIZED, INVALID_CREDENTIALS).',
  403: 'Authenticated but not allowed (FORBIDDEN).',
  404: 'The resource does not exist (NOT_FOUND).',
  405: 'The method is not allowed on this path (METHOD_NOT_ALLOWED).',
  409: 'The request conflicts with the current state, e.g. a duplicate email (CONFLICT).',
  412: 'A precondition such as If-Match failed (PRECONDITION_FAILED).',
  422: 'The Idempotency-Key was already used with a different request (IDEMPOTENCY_KEY_REUSED).',
  413: 'The request body is larger than 64 KiB (PAYLOAD_TOO_LARGE).',
  415: 'The request body is not application/json (UNSUPPORTED_MEDIA_TYPE).',
  429: 'Too many requests; retry after Retry-After seconds (RATE_LIMITED).',
  500: 'An unexpected error; the requestId identifies it in the logs (INTERNAL_ERROR).',
  503: 'The service is not configured correctly or a dependency is unavailable; retry later (SERVICE_UNAVAILABLE).',
}

export type ErrorHttpStatus = 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 415 | 422 | 429 | 500 | 503

// An error after the request read D1 (a 404, a 409, a failed precondition, an authenticated 400) has a bookmark too.
const errorHeaders = z.object(answerHeaders)
const retryAfter = z.string().max(10).openapi({ description: 'Seconds to wait before retrying.', example: '60' })
const rateLimitHeaders = z.object({ ...answerHeaders, 'Retry-After': retryAfter })
// A 409 for an Idempotency-Key still in flight says when to retry.
const conflictHeaders = z.object({ ...answerHeaders, 'Retry-After': retryAfter.optional() })

const camel = (code: string) => code.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

type ExampleCodes = Partial<Record<ErrorHttpStatus, ErrorCodeValue[]>>

/**
 * The codes an operation can send with this status. Two only some operations send: INVALID_JSON where a JSON body is
 * read (those operations list 415), and INVALID_CREDENTIALS on login alone (passed as `only` by errorResponsesWith).
 */
function codesFor(status: ErrorHttpStatus, statuses: readonly ErrorHttpStatus[], only: ExampleCodes): ErrorCodeValue[] {
  return (
    only[status] ??
    errorCodes.filter(
      (code) => errorStatus[code] === status && code !== 'INVALID_CREDENTIALS' && (code !== 'INVALID_JSON' || statuses.includes(415)),
    )
  )
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

function errorResponse(status: ErrorHttpStatus, codes: ErrorCodeValue[]) {
  return {
    description: errorDescriptions[status] ?? 'Error',
    headers: status === 429 ? rateLimitHeaders : status === 409 ? conflictHeaders : errorHeaders,
    content: { 'application/json': { schema: ErrorResponse, examples: errorExamples(codes) } },
  }
}

/** The error envelope for each listed status, so a route documents every error it can return. */
function errorResponsesOf<const S extends ErrorHttpStatus[]>(statuses: S, only: ExampleCodes = {}) {
  return Object.fromEntries([...new Set(statuses)].map((status) => [status, errorResponse(status, codesFor(status, statuses, only))])) as {
    [K in S[number]]: ReturnType<typeof errorResponse>
  }
}

/**
 * For /api routes: the listed statuses plus what any of them can answer: 429 (rate limits), 500, and 503 (misconfigured),
 * with the example codes of some statuses named when they differ (login's 401 is INVALID_CREDENTIALS, never UNAUTHORIZED).
 */
export const errorResponsesWith = <const S extends ErrorHttpStatus[]>(only: ExampleCodes, ...statuses: S) =>
  errorResponsesOf([...statuses, 429, 500, 503] as [...S, 429, 500, 503], only)

/** errorResponsesWith, with every status's usual example codes. */
export const errorResponses = <const S extends ErrorHttpStatus[]>(...statuses: S) => errorResponsesWith({}, ...statuses)

/** Outside /api (health): no rate limit, so only a bug can make an error. */
export const serverErrorResponses = () => errorResponsesOf([500])

/** An OpenAPI link: the operation a client can call next, with its parameters taken from this response. */
export const link = (operationId: string, description: string, parameters: Record<string, string> = {}) => ({
  operationId,
  description,
  parameters,
})

/** Errors every JSON-body route can return before its handler runs. */
export const bodyErrors = [400, 413, 415] as const

/** Errors an Idempotency-Key adds to a POST: a retry while the first runs (409), a reused key (422). */
export const idempotencyErrors = [409, 422] as const

export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'Must be 1 to 255 printable ASCII characters')
  .optional()
  .openapi({
    param: { name: 'Idempotency-Key', in: 'header', required: false },
    description:
      'Makes a retried POST safe: the first successful response for this key is replayed (same status, body and Location, with `Idempotent-Replayed: true`) for 24 hours. Keys are scoped to the caller. Use a fresh UUID per logical request.',
    example: '5f1c8c1e-2d3b-4c4f-9a7e-0e1f2a3b4c5d',
  })

export const IdempotencyHeaders = z.object({ ...sessionHeaders, 'Idempotency-Key': IdempotencyKey })

/** Set on single-resource GETs: whether the Worker's own cache answered. */
export const workerCacheHeader = {
  'X-Cache': z.enum(['HIT', 'MISS', 'BYPASS']).openapi({
    description:
      "Whether this Worker's cache (the Cache API) answered; writes to the resource invalidate it. BYPASS: the request sent X-D1-Bookmark, so it read D1.",
    example: 'HIT',
  }),
}

/** Optimistic concurrency: PUT, PATCH and DELETE apply only while the resource still has one of these tags. */
export const IfMatchHeaders = z.object({
  ...sessionHeaders,
  'If-Match': z
    .string()
    .max(1024)
    .optional()
    .openapi({
      param: { name: 'If-Match', in: 'header', required: false },
      description:
        'The ETag you read. When the resource changed since, the request fails with 412 and nothing changes. `*` matches any version.',
      example: '"v3"',
    }),
})

export const IdParam = Uuid.openapi({
  param: { name: 'id', in: 'path', required: true },
  description: 'Resource id (UUID).',
  example: '3b241101-e2bb-4255-8caf-4136c566a962',
})

/**
 * A whole number in a query string: digits only, so `1e3`, `0x10`, `1.0` and ` 1` are a 400 rather than silently
 * read as something else. The document shows it as the integer it becomes.
 */
function queryInteger(name: string, min: number, max: number, fallback: number, description: string, { documentDefault = true } = {}) {
  return z
    .string()
    .regex(/^[0-9]{1,10}$/, 'Must be a whole number written in digits')
    .default(String(fallback))
    .transform(Number)
    .pipe(z.int().min(min).max(max))
    .openapi({
      param: { name, in: 'query' },
      type: 'integer',
      format: 'int32',
      minimum: min,
      maximum: max,
      ...(documentDefault ? { default: fallback } : {}),
      description,
      example: fallback,
    })
}

export const SortOrder = z.enum(['asc', 'desc']).openapi('SortOrder', { description: 'Sort direction.', example: 'desc' })

export const PageQuery = {
  // No `default` in the document: generators send a parameter's default on every call, and page=1 beside a cursor is a 400.
  page: queryInteger('page', 1, 1_000_000, 1, '1-based page number; 1 when neither page nor cursor is given.', { documentDefault: false }),
  pageSize: queryInteger('pageSize', 1, 100, 20, 'Items per page (1..100).'),
  order: SortOrder.default('desc').openapi({
    param: { name: 'order', in: 'query' },
    description: 'Sort direction (default desc).',
    example: 'desc',
  }),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'Must be a cursor from meta.nextCursor')
    .max(cursorMaxLength)
    .optional()
    .openapi({
      param: { name: 'cursor', in: 'query' },
      description:
        'Opaque, from `meta.nextCursor`: the page after the one it came from, found by key instead of offset, so page 5,000 costs what page 1 does. Give it instead of `page`, with the same sort, order, pageSize and filters.',
      example: exampleCursor,
    }),
}

export const notModified = {
  description: 'Not modified: the If-None-Match tag still matches. No body.',
  headers: z.object({ ...cacheHeaders, ...answerHeaders }),
}

/** Headers of /health's answers, which read D1 directly (no session, so no bookmark). */
export const healthHeaders = z.object({ 'X-Request-Id': requestIdHeader })

/** Emails are trimmed and lower-cased before validation, so lookups are case-insensitive. */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email())
  .openapi({ type: 'string', format: 'email', maxLength: 254, example: 'alice@example.com' })

export const examples = { requestId: exampleRequestId, time: exampleTime }
