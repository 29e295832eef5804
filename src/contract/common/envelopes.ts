import { z } from '@hono/zod-openapi'
import { answerHeaders, cacheHeaders, type ResponseHeaders } from './headers'
import { CURSOR_MAX_LENGTH, CURSOR_PATTERN, exampleCursor } from './query'
import { examples, REQUEST_ID_MAX_LENGTH, Timestamp } from './primitives'

const metaFields = {
  timestamp: Timestamp.openapi({ example: examples.time, description: 'When the response was produced (UTC).' }),
  requestId: z
    .string()
    .max(REQUEST_ID_MAX_LENGTH)
    .openapi({ example: examples.requestId, description: 'Also sent as the X-Request-Id header.' }),
}

export const Meta = z.object(metaFields).openapi('Meta', { example: { timestamp: examples.time, requestId: examples.requestId } })

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
    // The very form `cursor` accepts, so a value a mock server makes for one is valid as the other.
    nextCursor: z.string().regex(CURSOR_PATTERN).max(CURSOR_MAX_LENGTH).nullable().openapi({
      description:
        'Send as `cursor` (with the same sort, order, pageSize and filters) for the next page at constant cost however deep; null on the last page.',
      example: exampleCursor,
    }),
  })
  .openapi('PageMeta', {
    example: {
      timestamp: examples.time,
      requestId: examples.requestId,
      page: 1,
      pageSize: 20,
      total: 42,
      totalPages: 3,
      nextCursor: exampleCursor,
    },
  })

// One schema object per component name, so a name used by several operations is one component.
const envelopes = new Map<string, z.ZodType>()
function envelope<T extends z.ZodType, M extends z.ZodType>(name: string, data: T, meta: M) {
  const existing = envelopes.get(name)
  if (existing) return existing as z.ZodObject<{ data: T; meta: M }>
  const schema = z.object({ data, meta }).openapi(name)
  envelopes.set(name, schema)
  return schema
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

/** A 204: no body, but the request id and, as after every write, the D1 session bookmark. */
export const noContent = (description: string) => ({
  description,
  headers: z.object(answerHeaders),
})

export const notModified = {
  description: 'Not modified: the If-None-Match tag still matches. No body.',
  headers: z.object({ ...cacheHeaders, ...answerHeaders }),
}
