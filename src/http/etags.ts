import type { Context } from 'hono'
import { etag } from 'hono/etag'
import type { AppEnv } from './app-env'
import { publicCache } from './cache-control'
import { digestHex } from '../runtime/composition'

/** Answers If-None-Match with 304 for GETs whose handler set an ETag. */
export const conditionalGet = etag({
  // CORS's too: a browser refuses a cross-origin 304 without them, and sending If-None-Match is why ETag is exposed.
  retainedHeaders: [
    'cache-control',
    'etag',
    'vary',
    'x-request-id',
    'access-control-allow-origin',
    'access-control-allow-credentials',
    'access-control-expose-headers',
  ],
})

// A single resource's tag is its version: strong, so If-Match can compare it, and cheap (no hashing).
const entityTag = (version: number) => `"v${version}"`

/** Sets the resource's ETag and returns the representation without the internal version. */
export function tagged<T extends { version: number }>(c: Context<AppEnv>, { version, ...representation }: T): Omit<T, 'version'> {
  c.header('ETag', entityTag(version))
  return representation
}

export const untagged = <T extends { version: number }>({ version: _version, ...representation }: T): Omit<T, 'version'> => representation

/**
 * The versions an If-Match header accepts: undefined when absent or `*` (any current version will do),
 * otherwise the versions named by strong `"v<n>"` tags, each once. Weak or foreign tags never match, and neither does a
 * tag that is another string for the same number (`"v01"`): RFC 9110 strong comparison is of exact strings. The
 * contract allows at most MAX_IF_MATCH_TAGS tags, so a statement binds at most that many versions.
 */
export function ifMatchVersions(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === '*') return undefined
  const versions = header
    .split(',')
    .map((tag) => /^\s*"v([1-9][0-9]{0,8})"\s*$/.exec(tag)?.[1])
    .filter((version): version is string => version !== undefined)
    .map(Number)
  return [...new Set(versions)]
}

/**
 * A list's tag: a hash of each item's id and version (a version changes with every write to its row) and the paging,
 * not of meta's timestamp and request id, so an unchanged page keeps its tag. Hashing ids, not the whole page, keeps it cheap.
 */
export async function listTag(
  c: Context<AppEnv>,
  { items, total, page, pageSize }: { items: Array<{ id: string; version: number }>; total: number; page: number; pageSize: number },
) {
  const key = `${page}/${pageSize}/${total}/${items.map((item) => `${item.id}@${item.version}`).join(',')}`
  c.header('ETag', `W/"${await digestHex('SHA-1', key)}"`)
  publicCache(c)
}
