import { and, asc, count, desc, eq, type SQL } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { NewPost, PostChanges, PostRepository, PostSort } from '../../application/ports'
import type { PageRequest } from '../../domain/page'
import type { Post } from '../../domain/post'
import { isForeignKeyViolation } from './d1-errors'
import { posts, users } from './schema'

const postColumns = {
  id: posts.id,
  authorId: posts.userId,
  title: posts.title,
  body: posts.body,
  createdAt: posts.createdAt,
  updatedAt: posts.updatedAt,
}

const sortColumns = { createdAt: posts.createdAt, title: posts.title } satisfies Record<PostSort, unknown>

export class D1PostRepository implements PostRepository {
  constructor(private readonly db: DrizzleD1Database) {}

  private page(where: SQL | undefined, { page, pageSize, sort, order }: PageRequest<PostSort>) {
    const direction = order === 'asc' ? asc : desc
    return [
      this.db
        .select(postColumns)
        .from(posts)
        .where(where)
        .orderBy(direction(sortColumns[sort]), direction(posts.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      this.db.select({ total: count() }).from(posts).where(where),
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

  async update(id: string, authorId: string, changes: PostChanges): Promise<Post | null> {
    const values = { title: changes.title, body: changes.body, updatedAt: new Date().toISOString() }
    const [post] = await this.db
      .update(posts)
      .set(values)
      .where(and(eq(posts.id, id), eq(posts.userId, authorId)))
      .returning(postColumns)
    return post ?? null
  }

  async delete(id: string, authorId: string): Promise<boolean> {
    const removed = await this.db
      .delete(posts)
      .where(and(eq(posts.id, id), eq(posts.userId, authorId)))
      .returning({ id: posts.id })
    return removed.length > 0
  }
}
