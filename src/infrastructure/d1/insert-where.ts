import { getTableColumns, sql, type SQL } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'

/**
 * `SELECT <every column's value, in the table's order> WHERE <condition>`, for `INSERT … SELECT`: the row is added
 * only when the condition (a guard) holds. Each value is a bound parameter unless it is drizzle SQL.
 */
export function rowWhere<T extends SQLiteTable>(
  table: T,
  values: { [K in keyof T['$inferInsert']]-?: unknown },
  condition: SQL | undefined,
) {
  const row = Object.keys(getTableColumns(table)).map((name) => sql`${values[name as keyof typeof values]}`)
  return sql`select ${sql.join(row, sql`, `)} where ${condition}`
}
