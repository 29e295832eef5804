import { decodeBase64Url, encodeBase64Url } from 'hono/utils/encode'
import { z } from 'zod'
import { invalidCursor } from '../domain/errors'
import type { Page, PageRequest } from '../domain/page'

// What a cursor carries: everything that shaped the listing (its name, filters, sort, order and page size, so the client
// sends the cursor alone), the page number it opens, and the keyset position. base64url JSON, opaque to clients;
// nothing in it is secret, and a forged one can only move the position or pick another allowed sort, which are always
// checked and bound as parameters.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const CursorPayload = z.strictObject({
  p: z.int().min(2).max(1_000_000),
  n: z.int().min(1).max(100),
  s: z.string().max(20),
  o: z.enum(['asc', 'desc']),
  k: z.string().max(100),
  f: z.record(z.string().max(20), z.string().max(100)).optional(),
  // Every sort value is a non-empty stored text.
  v: z.string().min(1).max(400),
  // Every listing's rows have the lower-case UUIDs this API issues.
  i: z.string().regex(UUID),
})
// The position of a timestamp sort (createdAt, ...) is a timestamp as stored (Date#toISOString: milliseconds, Z).
const Timestamp = z.iso.datetime({ precision: 3 })
type CursorPayload = z.infer<typeof CursorPayload>

// Unpadded: the contract's cursor pattern is [A-Za-z0-9_-]+.
const encode = (text: string) => encodeBase64Url(new TextEncoder().encode(text).buffer).replace(/=+$/, '')

function decode(cursor: string): CursorPayload | undefined {
  try {
    const parsed = CursorPayload.safeParse(JSON.parse(new TextDecoder().decode(decodeBase64Url(cursor))))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

interface ListQuery<Sort extends string> {
  page: number
  pageSize: number
  sort: Sort
  order: 'asc' | 'desc'
  cursor?: string | undefined
}

/** A page request and the filters it applies (from the query, or carried by the cursor). */
type Listing<Sort extends string> = PageRequest<Sort> & { filters: Record<string, string> }

/**
 * The page the client asked for: by number (offset), or after a cursor's position (keyset). A cursor carries the
 * listing's sort, order, page size and filters, and wins over any given beside it (the document says so). `listing`
 * names the listing (with its path ids); a cursor made for another, or with a sort this listing lacks, is a 422.
 */
export function pageRequest<Sort extends string>(
  { cursor, ...query }: ListQuery<Sort>,
  listing: string,
  sorts: readonly Sort[],
  filters: Record<string, string | undefined> = {},
  orders: readonly ('asc' | 'desc')[] = ['asc', 'desc'],
): Listing<Sort> {
  if (cursor === undefined) {
    const given = Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined)
    return { ...query, filters: Object.fromEntries(given) }
  }
  const payload = decode(cursor)
  const sort = sorts.find((allowed) => allowed === payload?.s)
  const position = sort?.endsWith('At') ? Timestamp.safeParse(payload?.v).success : true
  // Only this listing's own filters, with values as its query gives them (ids in lower case).
  const filtered = Object.entries(payload?.f ?? {}).every(([name, value]) => name in filters && (!name.endsWith('Id') || UUID.test(value)))
  if (!payload || payload.k !== listing || sort === undefined || !position || !filtered || !orders.includes(payload.o)) {
    throw invalidCursor()
  }
  return {
    page: payload.p,
    pageSize: payload.n,
    sort,
    order: payload.o,
    filters: payload.f ?? {},
    after: { value: payload.v, id: payload.i },
  }
}

/** The cursor of the page after this one, from its last item; null on the last page. */
export function nextCursor<T extends { id: string }, Sort extends string>(
  page: Page<T>,
  request: Listing<Sort>,
  listing: string,
  sortValue: (item: T, sort: Sort) => string,
): string | null {
  const last = page.items.at(-1)
  if (!last || !page.hasMore) return null
  const payload: CursorPayload = {
    p: Math.min(page.page + 1, 1_000_000),
    n: request.pageSize,
    s: request.sort,
    o: request.order,
    k: listing,
    ...(Object.keys(request.filters).length ? { f: request.filters } : {}),
    v: sortValue(last, request.sort),
    i: last.id,
  }
  return encode(JSON.stringify(payload))
}
