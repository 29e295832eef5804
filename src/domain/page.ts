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
}

export function toPage<T>(items: T[], total: number, request: { page: number; pageSize: number }): Page<T> {
  return { items, total, page: request.page, pageSize: request.pageSize, totalPages: Math.ceil(total / request.pageSize) }
}
