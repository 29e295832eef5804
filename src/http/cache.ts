import type { Context } from 'hono'
import { etag } from 'hono/etag'
import type { AppEnv } from './app-env'

export const PUBLIC_CACHE = 'public, max-age=60, stale-while-revalidate=300'
export const NO_STORE = 'private, no-cache, no-store, must-revalidate'

/** Answers If-None-Match with 304 for GETs whose handler set an ETag (see `cacheable`). */
export const conditionalGet = etag({ retainedHeaders: ['cache-control', 'etag', 'vary', 'x-request-id'] })

const encoder = new TextEncoder()

/**
 * Marks a public representation cacheable. The tag hashes what identifies the representation (data and
 * paging), not meta's timestamp and request id, so an unchanged resource keeps its tag.
 */
export async function cacheable(c: Context<AppEnv>, representation: unknown) {
  const digest = await crypto.subtle.digest('SHA-1', encoder.encode(JSON.stringify(representation)))
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
  c.header('ETag', `W/"${hex}"`)
  c.header('Cache-Control', PUBLIC_CACHE)
}

export const noStore = (c: Context<AppEnv>) => c.header('Cache-Control', NO_STORE)
