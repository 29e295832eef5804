import type { Context } from 'hono'
import type { AppEnv } from './app-env'

const PUBLIC_CACHE = 'public, max-age=60, stale-while-revalidate=300'
const NO_STORE = 'private, no-cache, no-store, must-revalidate'

/** Public GETs: shared caches may keep them for a minute (see the caching section of the document). */
export const publicCache = (c: Context<AppEnv>) => c.header('Cache-Control', PUBLIC_CACHE)
/** Credentials and private records: never stored anywhere. */
export const noStore = (c: Context<AppEnv>) => c.header('Cache-Control', NO_STORE)
