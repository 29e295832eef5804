import { forbidden } from './errors'

export type Role = 'admin' | 'user' | 'guest'

export interface User {
  id: string
  email: string
  name: string
  role: Role
  /** Bumped by every change; clients see it only as the ETag. */
  version: number
  createdAt: string
  updatedAt: string
}

/** Who is calling, as stored now (not as the token claimed). */
interface Actor {
  id: string
  role: Role
}

export type PublicUser = Omit<User, 'email'>

export function toPublicUser({ email: _email, ...rest }: User): PublicUser {
  return rest
}

/** A user manages their own account; an admin manages everyone's. */
export function assertCanActAs(actor: Actor, userId: string): void {
  if (actor.role !== 'admin' && actor.id !== userId) throw forbidden()
}

/** Only an admin changes a role; anyone acting on themselves may restate the role they have. */
export function assertCanSetRole(actor: Actor, role: Role | undefined): void {
  if (role === undefined || actor.role === 'admin' || role === actor.role) return
  throw forbidden('Only an admin can change a role')
}

/** A guest reads only: every write of theirs is refused, but for ending their own sessions and changing their password. */
export function assertCanWrite(actor: Actor): void {
  if (actor.role === 'guest') throw forbidden('A guest can read but not create, change or delete anything')
}

export function assertAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw forbidden('Only an admin can do this')
}
