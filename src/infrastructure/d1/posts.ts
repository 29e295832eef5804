import { and, count, eq, exists, inArray, sql } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { Guard, NewPost, PostChanges, PostRepository, PostSort } from '../../application/ports'
import type { Claim } from '../../application/idempotency'
import type { PageRequest } from '../../domain/page'
import { preconditionFailed } from '../../domain/errors'
import type { Post } from '../../domain/post'
import { allowed, confirm, readCaller } from './callers'
import { claimGuard } from './claims'
import { rowWhere } from './insert-where'
import { compiled, qb, value } from './compiled'
import { pageQuery, pageValues } from './paging'
import { overQuota, roomToChange, roomToCreate } from './post-quota'
import { eventStatements, noOutbox } from './outbox'
import type { Outbox } from '../../application/webhook-ports'
import { posts, rowCounts, users } from './schema'

const postColumns = {
  id: posts.id,
  authorId: posts.userId,
  title: posts.title,
  body: posts.body,
  version: posts.version,
  createdAt: posts.createdAt,
  updatedAt: posts.updatedAt,
}

const sortColumns = { createdAt: posts.createdAt, title: posts.title } satisfies Record<PostSort, unknown>

interface PostRow {
  id: string
  user_id: string
  title: string
  body: string
  version: number
  created_at: string
  updated_at: string
}
const toPost = (row: PostRow): Post => ({
  id: row.id,
  authorId: row.user_id,
  title: row.title,
  body: row.body,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

// The hot reads, built by drizzle once per shape and run with bound values (compiled.ts says why).
const pageOfPosts = compiled((sort: PostSort, order: 'asc' | 'desc', keyset: boolean, byAuthor: boolean) =>
  pageQuery(
    posts,
    postColumns,
    { sortColumn: sortColumns[sort], idColumn: posts.id },
    order,
    keyset,
    byAuthor ? eq(posts.userId, value('authorId')) : undefined,
  ),
)
// Unfiltered, the total is the trigger-kept count (one row); per author, a count over its index range. Aliased: read by name.
const totalOfPosts = compiled((byAuthor: boolean) =>
  byAuthor
    ? qb
        .select({ total: count().as('total') })
        .from(posts)
        .where(eq(posts.userId, value('authorId')))
    : qb
        .select({ total: sql<number>`${rowCounts.count}`.as('total') })
        .from(rowCounts)
        .where(eq(rowCounts.name, 'posts')),
)
const userExists = compiled(() =>
  qb
    .select({ id: users.id })
    .from(users)
    .where(eq(users.id, value('authorId')))
    .limit(1),
)
const postById = compiled(() =>
  qb
    .select(postColumns)
    .from(posts)
    .where(eq(posts.id, value('id')))
    .limit(1),
)

export class D1PostRepository implements PostRepository {
  private readonly client: D1Database // the request's D1 session (drizzle's own client), for the compiled reads

  constructor(
    private readonly db: DrizzleD1Database & { $client: D1Database },
    /** The request's claim on its Idempotency-Key, if it has one: a create records its outcome with it. */
    private readonly claim: () => Claim | undefined = () => undefined,
    /** Where the events this request's writes record are collected, to be queued after the answer. */
    private readonly outbox: Outbox = noOutbox,
  ) {
    this.client = db.$client
  }

  private page(request: PageRequest<PostSort>, authorId?: string) {
    const values = { ...pageValues(request), authorId }
    const byAuthor = authorId !== undefined
    return [
      pageOfPosts(this.client, [request.sort, request.order, request.after !== undefined, byAuthor], values),
      totalOfPosts(this.client, [byAuthor], values),
    ]
  }

  async list(request: PageRequest<PostSort> & { authorId?: string }) {
    const [rows, totals] = await this.client.batch<PostRow & { total: number }>(this.page(request, request.authorId))
    return { items: (rows?.results ?? []).map(toPost), total: totals?.results[0]?.total ?? 0 }
  }

  async listByAuthor(authorId: string, request: PageRequest<PostSort>) {
    const [author, rows, totals] = await this.client.batch<PostRow & { total: number }>([
      userExists(this.client, [], { authorId }),
      ...this.page(request, authorId),
    ])
    return author?.results.length ? { items: (rows?.results ?? []).map(toPost), total: totals?.results[0]?.total ?? 0 } : null
  }

  async get(id: string): Promise<Post | null> {
    const row = await postById(this.client, [], { id }).first<PostRow>()
    return row ? toPost(row) : null
  }

  async create(guard: Guard, { authorId, title, body }: NewPost): Promise<Post | null> {
    const now = new Date().toISOString()
    const row = { id: crypto.randomUUID(), userId: authorId, title, body, version: 1, createdAt: now, updatedAt: now }
    const claimed = claimGuard(this.db, this.claim(), exists(this.db.select({ id: posts.id }).from(posts).where(eq(posts.id, row.id))), {
      id: row.id,
    })
    // Inserted only when the author exists and has room (the quota), the guard holds and the claim (if any) is still its own; its event from the row made.
    const event = eventStatements(this.db, this.outbox, 'post', 'post.created', eq(posts.id, row.id))
    const [found, [post], [author], , held] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      this.db
        .insert(posts)
        .select(rowWhere(posts, row, and(roomToCreate(this.db, authorId, title, body), allowed(this.db, guard), claimed.holds)))
        .returning(postColumns),
      this.db.select({ id: users.id }).from(users).where(eq(users.id, authorId)).limit(1),
      claimed.record,
      claimed.check,
      event.now,
    ])
    confirm(found, guard)
    claimed.verify(held)
    if (post) return post
    if (author) throw overQuota()
    return null
  }

  private owned(id: string, authorId: string) {
    return and(eq(posts.id, id), eq(posts.userId, authorId))
  }

  /** The author's post, and only at one of these versions when they are given. */
  private matching(id: string, authorId: string, ifVersion?: number[]) {
    return ifVersion ? and(this.owned(id, authorId), inArray(posts.version, ifVersion)) : this.owned(id, authorId)
  }

  private exists(id: string, authorId: string) {
    return this.db.select({ id: posts.id, version: posts.version }).from(posts).where(this.owned(id, authorId)).limit(1)
  }

  async update(guard: Guard, id: string, authorId: string, changes: PostChanges, ifVersion?: number[]): Promise<Post | null> {
    const values = { title: changes.title, body: changes.body, version: sql`${posts.version} + 1`, updatedAt: new Date().toISOString() }
    const applies = and(this.matching(id, authorId, ifVersion), roomToChange(this.db, authorId, changes), allowed(this.db, guard))
    // The event is written under the same condition as the update, just before it, and given the updated post after.
    const event = eventStatements(this.db, this.outbox, 'post', 'post.updated', applies)
    const [found, , [post], [current]] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      event.placeholder,
      this.db.update(posts).set(values).where(applies).returning(postColumns),
      this.exists(id, authorId),
      event.fill(eq(posts.id, id)),
    ])
    confirm(found, guard)
    if (post) return post
    if (!current) return null
    if (ifVersion && !ifVersion.includes(current.version)) throw preconditionFailed()
    throw overQuota()
  }

  async delete(guard: Guard, id: string, authorId: string, ifVersion?: number[]): Promise<boolean> {
    const applies = and(this.matching(id, authorId, ifVersion), allowed(this.db, guard))
    // The event carries the post as it was, written under the same condition as the delete, just before it.
    const event = eventStatements(this.db, this.outbox, 'post', 'post.deleted', applies)
    const [found, , removed, [remaining]] = await this.db.batch([
      readCaller(this.db, guard.access.principal),
      event.now,
      this.db.delete(posts).where(applies).returning({ id: posts.id }),
      this.exists(id, authorId),
    ])
    confirm(found, guard)
    if (removed.length) return true
    if (remaining) throw preconditionFailed()
    return false
  }
}
