import type { Context } from 'hono'
import { decodeBase64Url, encodeBase64Url } from 'hono/utils/encode'
import { z } from 'zod'
import type { Page, PageRequest } from '../domain/page'
import type { AppEnv } from './app-env'

/** A query parameter the schema accepts but the request as a whole does not (a stale or foreign cursor, say). */
export class InvalidQuery extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
    this.name = 'InvalidQuery'
  }
}

// What a cursor carries: the page it opens, what it was made for (so it cannot be replayed against another listing)
// and the keyset position. base64url JSON, opaque to clients; nothing in it is secret, and a forged one can only move
// the position, which is always bound as a parameter.
const CursorPayload = z.strictObject({
  p: z.int().min(2).max(1_000_000),
  n: z.int().min(1).max(100),
  s: z.string().max(20),
  o: z.enum(['asc', 'desc']),
  k: z.string().max(100),
  v: z.string().max(400),
  i: z.string().max(64),
})
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

/**
 * The page the client asked for: by number (offset), or after a cursor's position (keyset). `scope` names the listing
 * and its filters; a cursor made for another scope, sort, order or page size is a 400 naming `cursor`.
 */
export function pageRequest<Sort extends string>(
  c: Context<AppEnv>,
  { cursor, ...query }: ListQuery<Sort>,
  scope: string,
): PageRequest<Sort> {
  if (cursor === undefined) return query
  if (c.req.query('page') !== undefined) throw new InvalidQuery('page', 'Give page or cursor, not both')
  const payload = decode(cursor)
  if (!payload) throw new InvalidQuery('cursor', 'Not a cursor this API made; use meta.nextCursor as it was sent')
  if (payload.k !== scope || payload.s !== query.sort || payload.o !== query.order || payload.n !== query.pageSize) {
    throw new InvalidQuery(
      'cursor',
      'This cursor belongs to another listing: send the same sort, order, pageSize and filters as the page it came from',
    )
  }
  return { ...query, page: payload.p, after: { value: payload.v, id: payload.i } }
}

/** The cursor of the page after this one, from its last item; null on the last page. */
export function nextCursor<T extends { id: string }, Sort extends string>(
  page: Page<T>,
  request: PageRequest<Sort>,
  scope: string,
  sortValue: (item: T, sort: Sort) => string,
): string | null {
  const last = page.items.at(-1)
  if (!last || page.page >= page.totalPages) return null
  const payload: CursorPayload = {
    p: page.page + 1,
    n: request.pageSize,
    s: request.sort,
    o: request.order,
    k: scope,
    v: sortValue(last, request.sort),
    i: last.id,
  }
  return encode(JSON.stringify(payload))
}
