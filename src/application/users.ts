import { DomainError, notFound } from '../domain/errors'
import { confirmPassword } from './auth'
import { toPage, type Page, type PageRequest } from '../domain/page'
import type { Access } from '../domain/access'
import { type PublicUser, type Role, type User, toPublicUser } from '../domain/user'
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

/** An admin creates a user, with any role. */
export async function createUser({ users }: Deps, access: Access, input: NewUser): Promise<User> {
  return users.create(input, { access, permission: { admin: true } })
}

/**
 * A created user's whole record, email included, for the retry of a create whose first answer was lost; null when gone.
 * Only to an admin, as the create itself: a caller demoted since is refused (403), not shown an email.
 */
export async function findCreatedUser({ users }: Deps, access: Access, id: string): Promise<User | null> {
  await users.caller({ access, permission: { admin: true } })
  return users.get(id)
}

type ChangeInput = { email?: string; name?: string; role?: Role; currentPassword?: string | undefined }
type ChangeDeps = Deps & Parameters<typeof confirmPassword>[0]

/** PUT: email and name are replaced; role is kept unless an admin sends another. */
export async function replaceUser(
  deps: ChangeDeps,
  access: Access,
  id: string,
  input: ChangeInput & { email: string; name: string },
  ifVersion?: number[],
): Promise<User> {
  return changeUser(deps, access, id, input, ifVersion)
}

/** PATCH: only the fields given change. */
export async function updateUser(deps: ChangeDeps, access: Access, id: string, input: ChangeInput, ifVersion?: number[]): Promise<User> {
  return changeUser(deps, access, id, input, ifVersion)
}

/**
 * The user themselves or an admin, not a guest; only an admin changes a role. A new email needs the caller's current
 * password, so a stolen token cannot move an account to another address. Only the stored row knows whether the email
 * changes, so without the password the write applies only if it does not.
 */
async function changeUser(
  deps: ChangeDeps,
  access: Access,
  id: string,
  { currentPassword, ...changes }: ChangeInput,
  ifVersion?: number[],
) {
  const guard = { access, permission: { actAs: id, write: true, setRole: changes.role } }
  let emailConfirmed = false
  if (changes.email !== undefined && currentPassword !== undefined) {
    try {
      // Asked for (and counted towards the lock) only while the stored address is another one.
      await confirmPassword(deps, guard, currentPassword, { userId: id, to: changes.email })
      emailConfirmed = true
    } catch (error) {
      // Refused, or not asked because the address stays: the write below, unconfirmed, applies only if it stays.
      if (!(error instanceof DomainError && error.code === 'REAUTHENTICATION_REQUIRED')) throw error
    }
  }
  const updated = await deps.users.update(guard, id, changes, ifVersion, { emailConfirmed })
  if (!updated) throw notFound('User')
  return updated
}

/** The user themselves or an admin, not a guest; with a login token, one's own account only after a recent login. */
export async function deleteUser({ users }: Deps, access: Access, id: string, ifVersion?: number[]): Promise<{ posts: string[] }> {
  const own = access.principal.kind === 'token' && access.principal.userId === id
  const deleted = await users.delete(
    { access, permission: { actAs: id, write: true, ...(own ? { recentLogin: true } : {}) } },
    id,
    ifVersion,
  )
  if (!deleted) throw notFound('User')
  return deleted
}
