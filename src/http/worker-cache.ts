import type { Context } from 'hono'
import type { AppEnv } from './app-env'

// Only single resources are cached here: a write names exactly the entries it makes stale. Lists are left to
// browsers and CDNs (Cache-Control), because no write could know which cached pages it changed.
const TTL_SECONDS = 60

// Keys live under an origin of their own, never the request's Host: a write reaches the same key whichever hostname
// the reader used. Every copy records the cache's generation when it was stored, and counts only while that is still
// the current one: one write of a new generation makes every older copy unusable (a user deleted with 10,000 posts is
// one Cache API call, not 10,001). A copy's key does not carry the generation, so a write purges it with a single
// call, and a read asks for the copy and the generation at the same time.
const KEY_ORIGIN = 'https://worker-cache.invalid'
const GENERATION_KEY = `${KEY_ORIGIN}/generation`

// The Cache API can fail or hang like any binding. A read never waits on it for long (it reads D1 instead), and a write
// that D1 committed is a success whatever the cache does: its purge waits a bounded time, falls back to a new
// generation, and when both fail this isolate reads D1 for a copy's whole life (docs/runbook.md).
const CACHE_TIMEOUT_MS = 500
const REPURGE_AFTER_MS = 1000
let bypassUntil = 0

function within<T>(work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error('The Cache API did not answer in time')), CACHE_TIMEOUT_MS)),
  )
  return Promise.race([work, late]).finally(() => timer !== undefined && clearTimeout(timer))
}

/** Logged once per failure; the caller goes on without the cache. */
function cacheFailed(c: Context<AppEnv>, event: string, error: unknown) {
  c.get('logger').warn(event, { error: error instanceof Error ? error.message : String(error) })
}

async function newGeneration(): Promise<string> {
  const generation = `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`
  await caches.default.put(GENERATION_KEY, new Response(generation, { headers: { 'Cache-Control': 'max-age=86400' } }))
  return generation
}

// A generation that is missing (never made, or evicted) is made anew: older copies then become unusable, never stale.
async function currentGeneration(): Promise<string> {
  const hit = await caches.default.match(GENERATION_KEY)
  return hit ? hit.text() : newGeneration()
}

const keyFor = (path: string) => `${KEY_ORIGIN}${path}`

interface Copy<T> {
  generation: string
  value: T
}

/** Stores a copy of the resource at this path, of the current generation (tests plant copies with it too). */
export async function storeCopy(path: string, value: unknown, generation?: string) {
  const copy: Copy<unknown> = { generation: generation ?? (await currentGeneration()), value }
  await caches.default.put(keyFor(path), new Response(JSON.stringify(copy), { headers: { 'Cache-Control': `max-age=${TTL_SECONDS}` } }))
}

/**
 * The resource at this request's path from the Cache API, or from `load` (and then stored). The cached copy is
 * the resource itself, not the response, so every answer still gets its own meta and request id.
 *
 * A request that sends X-D1-Bookmark asks to see at least its own writes: the Cache API is per data center and its
 * purge (below) reaches only this one, so such a read always goes to D1.
 */
export async function cachedRead<T>(c: Context<AppEnv>, load: () => Promise<T>): Promise<T> {
  if (c.req.header('X-D1-Bookmark') || Date.now() < bypassUntil) {
    const fresh = await load()
    c.header('X-Cache', 'BYPASS')
    return fresh
  }
  // In lower case: an id names its row in any case (RFC 9562), and writes purge the lower-case path they know.
  const path = c.req.path.toLowerCase()
  let generation: string
  try {
    const [copy, current] = await within(
      Promise.all([caches.default.match(keyFor(path)).then((hit) => (hit ? hit.json<Copy<T>>() : undefined)), currentGeneration()]),
    )
    if (copy?.generation === current) {
      c.header('X-Cache', 'HIT')
      return copy.value
    }
    generation = current
  } catch (error) {
    cacheFailed(c, 'cache.read_failed', error)
    const fresh = await load()
    c.header('X-Cache', 'BYPASS')
    return fresh
  }
  const value = await load()
  c.header('X-Cache', 'MISS')
  await within(storeCopy(path, value, generation)).catch((error: unknown) => cacheFailed(c, 'cache.store_failed', error))
  return value
}

/**
 * Drops cached copies before the write is answered (one Cache API call each, all at once), and again a second later
 * (a read racing the write may have stored the old row after the first purge). The Cache API purges only
 * this data center: elsewhere a copy lives out its 60 s, which is why readers that must see a write send its bookmark
 * (see cachedRead). Never fails: the write it follows has committed. When the purge fails or hangs, a new generation
 * makes every copy unusable instead; when that fails too, this isolate reads D1 until every copy made so far expired.
 */
export async function invalidate(c: Context<AppEnv>, paths: string[]) {
  const purge = () => within(Promise.all(paths.map((path) => caches.default.delete(keyFor(path)))))
  try {
    await purge()
  } catch (error) {
    cacheFailed(c, 'cache.purge_failed', error)
    await invalidateAll(c)
  }
  // A read that loaded the old row just before this write may store its copy just after the purge: purged again once
  // such a read has had time to finish, so no copy older than the write outlives that second.
  c.executionCtx.waitUntil(
    new Promise((resolve) => setTimeout(resolve, REPURGE_AFTER_MS))
      .then(purge)
      .catch((error: unknown) => cacheFailed(c, 'cache.purge_failed', error)),
  )
}

/** Makes every cached copy in this data center unusable with one write: for a write that stales too many to name. */
export async function invalidateAll(c: Context<AppEnv>) {
  try {
    await within(newGeneration())
  } catch (error) {
    cacheFailed(c, 'cache.generation_failed', error)
    bypassUntil = Date.now() + TTL_SECONDS * 1000
  }
}
