import { notFound } from '../domain/errors'
import { toPage, type Page, type PageRequest } from '../domain/page'
import {
  assertAdmin,
  assertCanActAs,
  assertCanSetRole,
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

/** PUT: email and name are replaced; role is kept unless an admin sends another. */
export async function replaceUser(
  { users }: Deps,
  actor: Actor,
  id: string,
  input: { email: string; name: string; role?: Role },
  ifVersion?: number[],
): Promise<User> {
  return changeUser({ users }, actor, id, input, ifVersion)
}

/** PATCH: only the fields given change. */
export async function updateUser(
  { users }: Deps,
  actor: Actor,
  id: string,
  input: { email?: string; name?: string; role?: Role },
  ifVersion?: number[],
): Promise<User> {
  return changeUser({ users }, actor, id, input, ifVersion)
}

async function changeUser(
  { users }: Deps,
  actor: Actor,
  id: string,
  input: { email?: string; name?: string; role?: Role },
  ifVersion?: number[],
) {
  assertCanActAs(actor, id)
  assertCanSetRole(actor, input.role)
  const updated = await users.update(id, input, ifVersion)
  if (!updated) throw notFound('User')
  return updated
}

export async function deleteUser({ users }: Deps, actor: Actor, id: string, ifVersion?: number[]): Promise<{ posts: string[] }> {
  assertCanActAs(actor, id)
  const deleted = await users.delete(id, ifVersion)
  if (!deleted) throw notFound('User')
  return deleted
}
