import { and, asc, desc, inArray, sql, type SQL } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { PageRequest } from '../../domain/page'
import { qb, value } from './compiled'

/**
 * Rows after (sortValue, id) in the listing's order: a row-value comparison SQLite answers with a seek in the
 * (sort column, id) index. The operator comes from the two-value `order`; the position is bound parameters.
 */
function keysetAfter(sortColumn: SQLiteColumn, idColumn: SQLiteColumn, order: 'asc' | 'desc'): SQL {
  return order === 'asc'
    ? sql`(${sortColumn}, ${idColumn}) > (${value('afterValue')}, ${value('afterId')})`
    : sql`(${sortColumn}, ${idColumn}) < (${value('afterValue')}, ${value('afterId')})`
}

/**
 * One page of a listing, for `compiled`: after a cursor's position (keyset: a seek in the sort index, so page 5,000
 * costs what page 1 does), or at an offset as a deferred join (the offset is walked in the covering (sort, id) index
 * and only the page's rows are read from the table). Its values are `pageValues`.
 */
export function pageQuery(
  table: SQLiteTable,
  columns: Record<string, SQLiteColumn>,
  { sortColumn, idColumn }: { sortColumn: SQLiteColumn; idColumn: SQLiteColumn },
  order: 'asc' | 'desc',
  keyset: boolean,
  where?: SQL,
) {
  const direction = order === 'asc' ? asc : desc
  const ordering = [direction(sortColumn), direction(idColumn)]
  const rows = qb.select(columns).from(table)
  return keyset
    ? rows
        .where(and(where, keysetAfter(sortColumn, idColumn, order)))
        .orderBy(...ordering)
        .limit(value('limit'))
    : rows
        .where(
          inArray(
            idColumn,
            qb
              .select({ id: idColumn })
              .from(table)
              .where(where)
              .orderBy(...ordering)
              .limit(value('limit'))
              .offset(value('offset')),
          ),
        )
        .orderBy(...ordering)
}

/** The bound values of a pageQuery for this request. */
export const pageValues = ({ page, pageSize, after }: PageRequest<string>) => ({
  // One row more than a page: it tells whether another page follows (see toPage).
  limit: pageSize + 1,
  offset: (page - 1) * pageSize,
  afterValue: after?.value,
  afterId: after?.id,
})
