import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { NewPost, PostChanges, PostRepository, PostSort } from '../../application/ports'
import type { PageRequest } from '../../domain/page'
import { preconditionFailed } from '../../domain/errors'
import type { Post } from '../../domain/post'
import { isForeignKeyViolation } from './d1-errors'
import { keysetAfter } from './keyset'
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

export class D1PostRepository implements PostRepository {
  constructor(private readonly db: DrizzleD1Database) {}

  private page(where: SQL | undefined, { page, pageSize, sort, order, after }: PageRequest<PostSort>) {
    const direction = order === 'asc' ? asc : desc
    const ordering = [direction(sortColumns[sort]), direction(posts.id)]
    return [
      after
        ? // Keyset (a cursor): seek straight to the position in the sort index; as cheap at page 5,000 as at page 1.
          this.db.select(postColumns).from(posts).where(and(where, keysetAfter(sortColumns[sort], posts.id, order, after))).orderBy(...ordering).limit(pageSize)
        : // Offset, as a deferred join: the offset is walked in the (covering) sort index and only the page's rows are
          // read from the table, so a deep page skips index entries instead of rows.
          this.db
            .select(postColumns)
            .from(posts)
            .where(inArray(posts.id, this.db.select({ id: posts.id }).from(posts).where(where).orderBy(...ordering).limit(pageSize).offset((page - 1) * pageSize)))
            .orderBy(...ordering),
      // Unfiltered, the total is the trigger-kept count (one row); per author, a count over that author's index range.
      where
        ? this.db.select({ total: count() }).from(posts).where(where)
        : this.db.select({ total: rowCounts.count }).from(rowCounts).where(eq(rowCounts.name, 'posts')),
    ] as const
  }

  async list(request: PageRequest<PostSort> & { authorId?: string }) {
    const where = request.authorId ? eq(posts.userId, request.authorId) : undefined
    const [items, [totals]] = await this.db.batch(this.page(where, request))
    return { items, total: totals?.total ?? 0 }
  }

  async listByAuthor(authorId: string, request: PageRequest<PostSort>) {
    const [author, items, [totals]] = await this.db.batch([
      this.db.select({ id: users.id }).from(users).where(eq(users.id, authorId)).limit(1),
      ...this.page(eq(posts.userId, authorId), request),
    ])
    return author.length ? { items, total: totals?.total ?? 0 } : null
  }

  async findById(id: string): Promise<Post | null> {
    const [post] = await this.db.select(postColumns).from(posts).where(eq(posts.id, id)).limit(1)
    return post ?? null
  }

  async create({ authorId, title, body }: NewPost): Promise<Post | null> {
    const now = new Date().toISOString()
    try {
      const [post] = await this.db
        .insert(posts)
        .values({ id: crypto.randomUUID(), userId: authorId, title, body, createdAt: now, updatedAt: now })
        .returning(postColumns)
      return post ?? null
    } catch (error) {
      if (isForeignKeyViolation(error)) return null
      throw error
    }
  }

  private owned(id: string, authorId: string) {
    return and(eq(posts.id, id), eq(posts.userId, authorId))
  }

  /** The author's post, and only at one of these versions when they are given. */
  private matching(id: string, authorId: string, ifVersion?: number[]) {
    return ifVersion ? and(this.owned(id, authorId), inArray(posts.version, ifVersion)) : this.owned(id, authorId)
  }

  private exists(id: string, authorId: string) {
    return this.db.select({ id: posts.id }).from(posts).where(this.owned(id, authorId)).limit(1)
  }

  async update(id: string, authorId: string, changes: PostChanges, ifVersion?: number[]): Promise<Post | null> {
    const values = { title: changes.title, body: changes.body, version: sql`${posts.version} + 1`, updatedAt: new Date().toISOString() }
    const [[post], [current]] = await this.db.batch([
      this.db.update(posts).set(values).where(this.matching(id, authorId, ifVersion)).returning(postColumns),
      this.exists(id, authorId),
    ])
    if (post) return post
    if (current) throw preconditionFailed()
    return null
  }

  async delete(id: string, authorId: string, ifVersion?: number[]): Promise<boolean> {
    const [removed, [remaining]] = await this.db.batch([
      this.db.delete(posts).where(this.matching(id, authorId, ifVersion)).returning({ id: posts.id }),
      this.exists(id, authorId),
    ])
    if (removed.length) return true
    if (remaining) throw preconditionFailed()
    return false
  }
}
