import { sql, type SQL } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'

/**
 * Rows after (sortValue, id) in the listing's order: a row-value comparison SQLite answers with a seek in the
 * (sort column, id) index. The operator comes from the two-value `order`; the position is bound parameters.
 */
export function keysetAfter(sortColumn: SQLiteColumn, idColumn: SQLiteColumn, order: 'asc' | 'desc', after: { value: unknown; id: unknown }): SQL {
  return order === 'asc' ? sql`(${sortColumn}, ${idColumn}) > (${after.value}, ${after.id})` : sql`(${sortColumn}, ${idColumn}) < (${after.value}, ${after.id})`
}
