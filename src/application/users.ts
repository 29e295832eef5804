import { notFound } from '../domain/errors'
import { confirmPassword } from './auth'
import { toPage, type Page, type PageRequest } from '../domain/page'
import {
  assertAdmin,
  assertCanActAs,
  assertCanSetRole,
  assertCanWrite,
  type Actor,
  type PublicUser,
  type Role,
  type User,
  toPublicUser,
} from '../domain/user'
import type { NewUser, UserRepository, UserSort } from './ports'

type Deps = { users: UserRepository }

export async function listUsers({ users }: Deps, request: PageRequest<UserSort>): Promise<Page<PublicUser>> {
  const { items, total } = await users.list(request)
  return toPage(items.map(toPublicUser), total, request)
}

export async function getUser({ users }: Deps, id: string): Promise<PublicUser> {
  const user = await users.get(id)
  if (!user) throw notFound('User')
  return toPublicUser(user)
}

export async function createUser({ users }: Deps, actor: Actor, input: NewUser): Promise<User> {
  assertAdmin(actor)
  return users.create(input)
}

type ChangeInput = { email?: string; name?: string; role?: Role; currentPassword?: string | undefined }
type ChangeDeps = Deps & Parameters<typeof confirmPassword>[0]

/** PUT: email and name are replaced; role is kept unless an admin sends another. */
export async function replaceUser(
  deps: ChangeDeps,
  actor: Actor,
  id: string,
  input: ChangeInput & { email: string; name: string },
  ifVersion?: number[],
): Promise<User> {
  return changeUser(deps, actor, id, input, ifVersion)
}

/** PATCH: only the fields given change. */
export async function updateUser(deps: ChangeDeps, actor: Actor, id: string, input: ChangeInput, ifVersion?: number[]): Promise<User> {
  return changeUser(deps, actor, id, input, ifVersion)
}

/**
 * A new email needs the caller's current password, so a stolen token cannot move an account to another address. Only
 * the stored row knows whether the email changes, so without the password the write applies only if it does not.
 */
async function changeUser(deps: ChangeDeps, actor: Actor, id: string, { currentPassword, ...changes }: ChangeInput, ifVersion?: number[]) {
  assertCanActAs(actor, id)
  assertCanWrite(actor)
  assertCanSetRole(actor, changes.role)
  const emailConfirmed = changes.email !== undefined && currentPassword !== undefined
  if (emailConfirmed) await confirmPassword(deps, actor, currentPassword)
  const updated = await deps.users.update(id, changes, ifVersion, { emailConfirmed })
  if (!updated) throw notFound('User')
  return updated
}

export async function deleteUser({ users }: Deps, actor: Actor, id: string, ifVersion?: number[]): Promise<{ posts: string[] }> {
  assertCanActAs(actor, id)
  assertCanWrite(actor)
  const deleted = await users.delete(id, ifVersion)
  if (!deleted) throw notFound('User')
  return deleted
}
