import type { Context } from 'hono'
import type { AppEnv } from './app-env'

// Only single resources are cached here: a write names exactly the entries it makes stale. Lists are left to
// browsers and CDNs (Cache-Control), because no write could know which cached pages it changed.
const TTL_SECONDS = 60

const keyFor = (c: Context<AppEnv>, path: string) => new Request(new URL(path, c.req.url).toString())

/**
 * The resource at this request's path from the Cache API, or from `load` (and then stored). The cached copy is
 * the resource itself, not the response, so every answer still gets its own meta and request id.
 */
export async function cachedRead<T>(c: Context<AppEnv>, load: () => Promise<T>): Promise<T> {
  const key = keyFor(c, c.req.path)
  const hit = await caches.default.match(key)
  if (hit) {
    c.header('X-Cache', 'HIT')
    return hit.json<T>()
  }
  const value = await load()
  c.header('X-Cache', 'MISS')
  await caches.default.put(key, new Response(JSON.stringify(value), { headers: { 'Cache-Control': `max-age=${TTL_SECONDS}` } }))
  return value
}

/** Drops cached copies before the write is answered, so the writer's next read cannot be stale. */
export async function invalidate(c: Context<AppEnv>, paths: string[]) {
  await Promise.all(paths.map((path) => caches.default.delete(keyFor(c, path))))
}
