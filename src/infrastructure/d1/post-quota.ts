import { and, eq, exists, lt, lte, or, sql, type SQL } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { PostChanges } from '../../application/ports'
import { quotaExceeded } from '../../domain/errors'
import { POST_QUOTA } from '../../domain/post'
import { posts, users } from './schema'

// Each user's post_count and post_bytes are kept exact by triggers (migrations/0009_post_quotas.sql); a write checks
// them in its own WHERE, so the quota costs no round trip and parallel writes cannot pass it together.

export const overQuota = () => quotaExceeded(POST_QUOTA.posts, POST_QUOTA.bytes / (1024 * 1024))

const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength
const storedBytes = (title: SQL, body: SQL) => sql`(length(CAST(${title} AS BLOB)) + length(CAST(${body} AS BLOB)))`

/** The author exists and has room for one more post of this title and body. */
export const roomToCreate = (db: DrizzleD1Database, authorId: string, title: string, body: string) =>
  exists(
    db
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          eq(users.id, authorId),
          lt(users.postCount, POST_QUOTA.posts),
          lte(sql`${users.postBytes} + ${utf8Bytes(title) + utf8Bytes(body)}`, POST_QUOTA.bytes),
        ),
      ),
  )

/** For an UPDATE of posts: the author's bytes stay within the quota after the change, or the post does not grow. */
export function roomToChange(db: DrizzleD1Database, authorId: string, changes: PostChanges) {
  const before = storedBytes(sql`${posts.title}`, sql`${posts.body}`)
  const after = storedBytes(sql`coalesce(${changes.title ?? null}, ${posts.title})`, sql`coalesce(${changes.body ?? null}, ${posts.body})`)
  const room = and(eq(users.id, authorId), lte(sql`${users.postBytes} - ${before} + ${after}`, POST_QUOTA.bytes))
  return or(lte(after, before), exists(db.select({ id: users.id }).from(users).where(room)))
}
