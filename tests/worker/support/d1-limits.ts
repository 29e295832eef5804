import { interceptD1 } from './d1-proxy'

/** D1's own limit on the values bound to one statement (SQLite's default is far higher, so local D1 never says so). */
export const D1_MAX_BOUND_PARAMETERS = 100

/** A D1 binding that refuses a statement with more bound values than D1 takes, as D1 does in production. */
export function parameterLimitedD1(db: D1Database): D1Database {
  // The runtime's batch() needs its own statement objects: remember which real statement each wrapper stands for.
  const unwrapped = new WeakMap<object, D1PreparedStatement>()
  const limit = (statement: D1PreparedStatement): D1PreparedStatement => {
    const wrapper = new Proxy(statement, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target)
        if (typeof value !== 'function') return value
        if (property !== 'bind') return value.bind(target)
        return (...values: unknown[]) => {
          if (values.length > D1_MAX_BOUND_PARAMETERS) throw new Error(`D1_ERROR: too many SQL variables (${values.length})`)
          return limit(target.bind(...values))
        }
      },
    })
    unwrapped.set(wrapper, statement)
    return wrapper
  }
  return interceptD1(db, (target) => ({
    prepare: (sql: string) => limit(target.prepare(sql)),
    batch: <T>(statements: D1PreparedStatement[]) => target.batch<T>(statements.map((s) => unwrapped.get(s) ?? s)),
  }))
}
