type D1 = D1Database | D1DatabaseSession

/**
 * A D1 binding, and every session the app opens on it (withSession), with some of its methods replaced: `replace`
 * gets the real database or session and returns the replacements; everything else is the real thing.
 */
export function interceptD1<T extends D1>(db: T, replace: (target: D1) => Partial<Pick<D1Database, 'prepare' | 'batch' | 'exec'>>): T {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'withSession' && 'withSession' in target)
        return (bookmark?: string) => interceptD1(target.withSession(bookmark), replace)
      const replaced = (replace(target) as Record<PropertyKey, unknown>)[property]
      if (replaced) return replaced
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
