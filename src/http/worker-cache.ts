import type { Context } from 'hono'
import type { AppEnv } from './app-env'

// Only single resources are cached here: a write names exactly the entries it makes stale. Lists are left to
// browsers and CDNs (Cache-Control), because no write could know which cached pages it changed.
const TTL_SECONDS = 60

const keyFor = (c: Context<AppEnv>, path: string) => new Request(new URL(path, c.req.url).toString())
const store = (key: Request, value: unknown) =>
  caches.default.put(key, new Response(JSON.stringify(value), { headers: { 'Cache-Control': `max-age=${TTL_SECONDS}` } }))

/**
 * The resource at this request's path from the Cache API, or from `load` (and then stored). The cached copy is
 * the resource itself, not the response, so every answer still gets its own meta and request id.
 *
 * A request that sends X-D1-Bookmark asks to see at least its own writes: the Cache API is per data center and its
 * purge (below) reaches only this one, so such a read always goes to D1.
 */
export async function cachedRead<T>(c: Context<AppEnv>, load: () => Promise<T>): Promise<T> {
  const key = keyFor(c, c.req.path)
  if (c.req.header('X-D1-Bookmark')) {
    const fresh = await load()
    c.header('X-Cache', 'BYPASS')
    return fresh
  }
  const hit = await caches.default.match(key)
  if (hit) {
    c.header('X-Cache', 'HIT')
    return hit.json<T>()
  }
  const value = await load()
  c.header('X-Cache', 'MISS')
  await store(key, value)
  return value
}

/**
 * Drops cached copies before the write is answered. The Cache API purges only this data center: elsewhere a copy
 * lives out its 60 s, which is why readers that must see a write send its bookmark (see cachedRead).
 */
export async function invalidate(c: Context<AppEnv>, paths: string[]) {
  await Promise.all(paths.map((path) => caches.default.delete(keyFor(c, path))))
}
