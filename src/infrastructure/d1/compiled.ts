import { fillPlaceholders, sql, type Placeholder } from 'drizzle-orm'
import { QueryBuilder } from 'drizzle-orm/sqlite-core'

/** drizzle's query builder without a database: the hot reads are built with it, once. */
export const qb = new QueryBuilder()

type Buildable = { toSQL(): { sql: string; params: unknown[] } }

/**
 * A read that runs on nearly every request (a list page, a row by id), built by drizzle once per isolate and shape,
 * with its values as `sql.placeholder`s, then prepared on the request's D1 session with the values bound. Building and
 * mapping a drizzle query on each request cost more CPU than the rest of our code on a list request
 * (`npm run bench:profile`); this keeps drizzle as the only author of SQL and every value a bound parameter.
 * `shape` must come from a closed set (sort field, order, flags), never from free request text.
 */
export function compiled<Shape extends readonly (string | boolean)[]>(build: (...shape: Shape) => Buildable) {
  const built = new Map<string, { sql: string; params: unknown[] }>()
  return (client: D1Database | D1DatabaseSession, shape: Shape, values: Record<string, unknown> = {}): D1PreparedStatement => {
    const key = shape.join('|')
    let query = built.get(key)
    if (!query) built.set(key, (query = build(...shape).toSQL()))
    return client.prepare(query.sql).bind(...fillPlaceholders(query.params, values))
  }
}

/** A bound value by name, for `compiled` queries. */
export const value = (name: string): Placeholder => sql.placeholder(name)
