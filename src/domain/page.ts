export interface PageRequest<Sort extends string> {
  page: number
  pageSize: number
  sort: Sort
  order: 'asc' | 'desc'
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
