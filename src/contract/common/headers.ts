import { z } from '@hono/zod-openapi'
import { examples, REQUEST_ID_MAX_LENGTH } from './primitives'

/** A set of response headers, by name. */
export type ResponseHeaders = Record<string, z.ZodType>

const requestIdHeader = z
  .string()
  .max(REQUEST_ID_MAX_LENGTH)
  .openapi({ description: 'The request id, also in meta.requestId.', example: examples.requestId })

const bookmark = z.string().max(1024).openapi({
  description:
    'D1 session bookmark: send the last one you received back as X-D1-Bookmark, and reads that may go to a replica still see your own writes.',
  example: '0000000a-00000003-00004f3e-4e5ba6a27f2b4c1d8d9e3f6a7b8c9d0e',
})

/** On every answer of /api, errors included: the request id, and the session bookmark once the request touched D1. */
export const answerHeaders = { 'X-Request-Id': requestIdHeader, 'X-D1-Bookmark': bookmark.optional() }

/** Headers of /health's answers, which read D1 directly (no session, so no bookmark). */
export const healthHeaders = z.object({ 'X-Request-Id': requestIdHeader })

const retryAfter = z.string().max(10).openapi({ description: 'Seconds to wait before retrying.', example: '60' })
/** A 429 and a 503 always say when to retry. */
export const retryHeaders = z.object({ ...answerHeaders, 'Retry-After': retryAfter })
/** A 409 for an Idempotency-Key still in flight (IDEMPOTENCY_KEY_IN_USE) says when to retry. */
export const conflictHeaders = z.object({ ...answerHeaders, 'Retry-After': retryAfter.optional() })

/** Request header every /api operation accepts, for read-your-writes across D1 replicas. */
const sessionHeaders = {
  // No example: a bookmark is an opaque value from a previous response, and a docs page would send a made-up one.
  'X-D1-Bookmark': z
    .string()
    .max(1024)
    .optional()
    .openapi({
      param: { name: 'X-D1-Bookmark', in: 'header', required: false },
      description: 'The X-D1-Bookmark of the last response you received: reads that may go to a replica then still see your own writes.',
    }),
}
export const SessionHeaders = z.object(sessionHeaders)

const entityTag = z.string().max(44).openapi({
  description: 'Version of this resource. Send it in If-Match to update or delete only what you read, or in If-None-Match to revalidate.',
  example: '"v3"',
})

/** The ETag of a single resource (made from its version), on every response that returns one. */
export const etagHeader = { ETag: entityTag }

/** Headers of a cacheable public GET (see the caching section of the description). */
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

/** Credentials are never cached. */
export const noStoreHeader = {
  'Cache-Control': z
    .string()
    .max(128)
    .openapi({ description: 'Credentials are never cached.', example: 'private, no-cache, no-store, must-revalidate' }),
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
    .openapi({
      description:
        'Path of the created resource, where it is read: /api/users/{id} for a user (also for a sign-up), /api/posts/{id} for a post, /api/api-keys/{id} for an API key.',
      example: `/api/users/${examples.userId}`,
    }),
}

/** Set on single-resource GETs: whether the Worker's own cache answered. */
export const workerCacheHeader = {
  'X-Cache': z.enum(['HIT', 'MISS', 'BYPASS']).openapi({
    description:
      "Whether this Worker's cache (the Cache API) answered; writes to the resource invalidate it. BYPASS: the request read D1 without the cache, because it sent X-D1-Bookmark or the cache is failing.",
    example: 'HIT',
  }),
}

const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be 1 to 255 printable ASCII characters')
  .optional()
  .openapi({
    param: { name: 'Idempotency-Key', in: 'header', required: false },
    description:
      "Makes a retried POST safe: the first successful response for this key is replayed for 24 hours, with the same status, `data`, Location and ETag, and `Idempotent-Replayed: true`; its `meta` (timestamp, requestId) is the replay's own, as is X-Request-Id. Keys are scoped to the caller. Use a fresh UUID per logical request.",
  })

export const IdempotencyHeaders = z.object({ ...sessionHeaders, 'Idempotency-Key': IdempotencyKey })

/** The most entity tags one If-Match may name: each is compared in the database, which takes a bounded number of values. */
const MAX_IF_MATCH_TAGS = 20
const entityTagPattern = '(?:W\\x2F)?"[\\x21\\x23-\\x7e]*"'

/**
 * Optimistic concurrency: PUT, PATCH and DELETE apply only while the resource still has one of these tags. Required,
 * so an update is never unconditional by accident: a client that sends `If-Match: ${etag ?? ''}` gets a 428, not a lost
 * update (proxies and runtimes may drop an empty header on the way, making it indistinguishable from none).
 */
export const IfMatchHeaders = z.object({
  ...sessionHeaders,
  'If-Match': z
    .string()
    .max(1024)
    // RFC 9110: `*` or a comma-separated list of at most MAX_IF_MATCH_TAGS entity tags, each "…" or W/"…" (visible
    // ASCII inside the quotes). The slash as \x2F: a `\/` in the document's pattern is a regex-literal escape that some
    // generators double.
    .regex(
      new RegExp(`^(?:\\*|${entityTagPattern}(?:[ \\t]*,[ \\t]*${entityTagPattern}){0,${MAX_IF_MATCH_TAGS - 1}})$`),
      `must be * or 1 to ${MAX_IF_MATCH_TAGS} entity tags such as "v3"`,
    )
    .openapi({
      param: { name: 'If-Match', in: 'header', required: true },
      description:
        'The ETag you read: the `ETag` response header of your GET of this resource (in the docs, under the response\'s Headers; a resource never changed is `"v1"`), so replace the example with it. The change applies only while the resource still has it, otherwise 412 and nothing changes. `*` writes whatever the current version is, and must be said explicitly: a missing or empty If-Match is a 428 PRECONDITION_REQUIRED and a malformed one a 400, never an unconditional write. At most 20 entity tags (more is a 400). Tags compare strongly, as exact strings (RFC 9110): `"v01"` or `W/"v1"` never match `"v1"`.',
      example: '"v3"',
    }),
})
