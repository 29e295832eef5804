import { and, asc, eq, lt } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { Welcomes } from '../../application/ports'
import { users } from './schema'

export class D1Welcomes implements Welcomes {
  constructor(private readonly db: DrizzleD1Database) {}

  async sent(userId: string): Promise<void> {
    await this.db.update(users).set({ welcomePending: 0 }).where(eq(users.id, userId))
  }

  async pending(createdBefore: string, limit: number) {
    return this.db
      .select({ id: users.id, email: users.email, name: users.name })
      .from(users)
      .where(and(eq(users.welcomePending, 1), lt(users.createdAt, createdBefore)))
      .orderBy(asc(users.createdAt))
      .limit(limit)
  }
}
