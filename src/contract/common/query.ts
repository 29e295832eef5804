import { z } from '@hono/zod-openapi'

// A cursor holds its listing's last sort value: a title of 200 characters, each escaped in JSON, fits in 2 KiB of base64.
export const CURSOR_MAX_LENGTH = 2048
/** What a cursor is made of (unpadded base64url): the `cursor` parameter and `meta.nextCursor` alike. */
export const CURSOR_PATTERN = /^[A-Za-z0-9_-]+$/
export const exampleCursor =
  'eyJwIjoyLCJuIjoyMCwicyI6ImNyZWF0ZWRBdCIsIm8iOiJkZXNjIiwiayI6InBvc3RzIiwidiI6IjIwMjYtMTEtMjVUMDk6MzA6MDAuMDAwWiIsImkiOiI5YzViOTRiMS0zNWFkLTQ5YmItYjExOC04ZThmYzI0YWJmODAifQ'

/**
 * A whole number in a query string: digits only, so `1e3`, `0x10`, `1.0` and ` 1` are a 400 rather than silently
 * read as something else. The document shows it as the integer it becomes.
 */
function queryInteger(name: string, min: number, max: number, fallback: number, description: string, { documentDefault = true } = {}) {
  return z
    .string()
    .regex(/^[0-9]{1,10}$/, 'must be a whole number written in digits')
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

const SortOrder = z.enum(['asc', 'desc']).openapi('SortOrder', { description: 'Sort direction.', example: 'desc' })

/** The query parameters of every list operation; each adds its own `sort` (and filters). */
export const PageQuery = {
  // No `default` in the document: generators send a parameter's default on every call, and a page beside a cursor is ignored.
  page: queryInteger(
    'page',
    1,
    1_000_000,
    1,
    '1-based page number; 1 when neither page nor cursor is given. Ignored when `cursor` is given.',
    {
      documentDefault: false,
    },
  ),
  pageSize: queryInteger(
    'pageSize',
    1,
    100,
    20,
    'Items per page (1..100). Ignored when `cursor` is given: the cursor keeps the page size it was made with.',
  ),
  order: SortOrder.default('desc').openapi({
    param: { name: 'order', in: 'query' },
    description: 'Sort direction (default desc). Ignored when `cursor` is given.',
    example: 'desc',
  }),
  // No example: a cursor is opaque and issued by the listing; a docs page would send a made-up one (a 422).
  cursor: z
    .string()
    .regex(CURSOR_PATTERN, 'must be a cursor from meta.nextCursor')
    .max(CURSOR_MAX_LENGTH)
    .optional()
    .openapi({
      param: { name: 'cursor', in: 'query' },
      description:
        'Opaque, from `meta.nextCursor`: the page after the one it came from, found by key instead of offset, so page 5,000 costs what page 1 does. Send it alone: it carries the sort, order, page size and filters of the listing that issued it, and when it is given `page`, `pageSize`, `sort`, `order` and filters are ignored. A cursor that this listing did not issue is a 422 INVALID_CURSOR.',
    }),
}

/** A `sort` query parameter over the given fields, defaulting to createdAt. */
export function sortParameter<const F extends readonly [string, ...string[]]>(fields: F, componentName: string, what: string) {
  return z
    .enum(fields)
    .openapi(componentName, { description: `A field ${what} can be sorted by.`, example: fields[0] })
    .default(fields[0] as never)
    .openapi({
      param: { name: 'sort', in: 'query' },
      description: 'Field to sort by (default createdAt); ties break on id. Ignored when `cursor` is given.',
      example: fields[0],
    })
}

/** The query of an operation that takes no parameters: any given is unknown, and so a 400 (as on every operation). */
export const NoQuery = z.strictObject({})
