export interface PageRequest<Sort extends string> {
  page: number
  pageSize: number
  sort: Sort
  order: 'asc' | 'desc'
  /** Keyset position (from a cursor): the page starts after this sort value and id, not at an offset. */
  after?: { value: string; id: string }
}

export interface Page<T> {
  items: T[]
  page: number
  pageSize: number
  total: number
  totalPages: number
  /** Whether a row follows the last item: what decides the next cursor, never the totals (rows come and go mid-walk). */
  hasMore: boolean
}

/** A page from the rows read: up to pageSize of them, plus one look-ahead row that only says whether more follow. */
export function toPage<T>(rows: T[], total: number, request: { page: number; pageSize: number }): Page<T> {
  return {
    items: rows.slice(0, request.pageSize),
    hasMore: rows.length > request.pageSize,
    total,
    page: request.page,
    pageSize: request.pageSize,
    totalPages: Math.ceil(total / request.pageSize),
  }
}
