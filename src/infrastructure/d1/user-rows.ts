import type { User } from '../../domain/user'

/** A user's public columns as D1 answers them (by column name), for the reads built once (compiled.ts). */
export interface UserRow {
  id: string
  email: string
  name: string
  role: User['role']
  version: number
  created_at: string
  updated_at: string
}
export const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})
