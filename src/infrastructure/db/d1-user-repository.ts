import { asc, count, desc, eq } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { NewUser, UserChanges, UserRepository, UserSort } from '../../application/ports'
import { conflict } from '../../domain/errors'
import type { User } from '../../domain/user'
import { decoyHash, hashPassword, verifyPassword } from '../password-hasher'
import { isUniqueViolation } from './d1-errors'
import { posts, users } from './schema'

// The public columns: password_hash is selected in exactly one place, verifyCredentials.
const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
}

const sortColumns = { createdAt: users.createdAt, name: users.name } satisfies Record<UserSort, unknown>

const emailTaken = () => conflict('A user with this email already exists')

export class D1UserRepository implements UserRepository {
  constructor(private readonly db: DrizzleD1Database) {}

  async list({ page, pageSize, sort, order }: Parameters<UserRepository['list']>[0]) {
    const direction = order === 'asc' ? asc : desc
    const [items, [totals]] = await this.db.batch([
      this.db
        .select(userColumns)
        .from(users)
        .orderBy(direction(sortColumns[sort]), direction(users.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      this.db.select({ total: count() }).from(users),
    ])
    return { items, total: totals?.total ?? 0 }
  }

  async findById(id: string): Promise<User | null> {
    const [user] = await this.db.select(userColumns).from(users).where(eq(users.id, id)).limit(1)
    return user ?? null
  }

  async create({ password, ...fields }: NewUser): Promise<User> {
    const now = new Date().toISOString()
    const passwordHash = await hashPassword(password)
    try {
      const [user] = await this.db
        .insert(users)
        .values({ id: crypto.randomUUID(), ...fields, passwordHash, createdAt: now, updatedAt: now })
        .returning(userColumns)
      if (!user) throw new Error('INSERT ... RETURNING returned no row')
      return user
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken()
      throw error
    }
  }

  async update(id: string, changes: UserChanges): Promise<User | null> {
    // Only the named columns are written; request keys never become column names.
    const values = { email: changes.email, name: changes.name, role: changes.role, updatedAt: new Date().toISOString() }
    try {
      const [user] = await this.db.update(users).set(values).where(eq(users.id, id)).returning(userColumns)
      return user ?? null
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken()
      throw error
    }
  }

  async delete(id: string) {
    // One batch is one transaction: the posts and the user go together or not at all.
    const [removedPosts, removedUsers] = await this.db.batch([
      this.db.delete(posts).where(eq(posts.userId, id)).returning({ id: posts.id }),
      this.db.delete(users).where(eq(users.id, id)).returning({ id: users.id }),
    ])
    return removedUsers.length ? { posts: removedPosts.length } : null
  }

  async verifyCredentials(email: string, password: string): Promise<User | null> {
    const [row] = await this.db
      .select({ ...userColumns, passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.email, email))
      .limit(1)
    if (!row) {
      await verifyPassword(password, await decoyHash())
      return null
    }
    const { passwordHash, ...user } = row
    return (await verifyPassword(password, passwordHash)) ? user : null
  }
}
