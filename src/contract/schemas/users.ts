import { z } from '@hono/zod-openapi'
import { PageQuery, sortParameter } from '../common/query'
import { Email, examples, IdParam, text, Timestamp, Uuid, visibleText } from '../common/primitives'

const Role = z.enum(['admin', 'user', 'guest']).openapi('Role', {
  description:
    'admin: reads and writes everything. user: reads, and writes their own account and posts. guest: reads only; every write is 403 FORBIDDEN, except signing out and changing their own password. Only an admin changes a role.',
  example: 'user',
})

const userId = Uuid.openapi({ example: examples.userId })
const userName = visibleText(1, 100).openapi({ example: 'Alice Example' })
const timestamps = {
  createdAt: Timestamp.openapi({ example: examples.time }),
  updatedAt: Timestamp.openapi({ example: examples.time }),
}

export const PublicUser = z.object({ id: userId, name: userName, role: Role, ...timestamps }).openapi('PublicUser', {
  description: 'What anyone may see of a user: no email.',
  example: {
    id: examples.userId,
    name: 'Alice Example',
    role: 'user',
    createdAt: examples.time,
    updatedAt: examples.time,
  },
})

export const User = z.object({ id: userId, email: Email, name: userName, role: Role, ...timestamps }).openapi('User', {
  description: 'The full record, seen only by the user and by admins.',
  example: {
    id: examples.userId,
    email: 'alice@example.com',
    name: 'Alice Example',
    role: 'user',
    createdAt: examples.time,
    updatedAt: examples.time,
  },
})

/** A password being set: stored only as a salted PBKDF2-SHA256 hash. */
export const NewPassword = text(8, 128).openapi({
  description: '8 to 128 characters. Stored only as a salted PBKDF2-SHA256 hash.',
  example: 'correct-horse-battery',
})

/** The caller's own password, proving it is them before a change a stolen token must not be able to make. */
export const CurrentPassword = text(1, 128).openapi({
  description:
    "The caller's current password. Required when `email` changes to another address (case aside): without it, or with a wrong one, the answer is 403 REAUTHENTICATION_REQUIRED. Wrong ones count towards the account lock, as failed logins do.",
  example: 'correct-horse-battery',
})

export const CreateUserRequest = z
  .strictObject({
    email: Email,
    name: userName,
    password: NewPassword,
    role: Role.default('user'),
  })
  .openapi('CreateUserRequest', {
    example: { email: 'bob@example.com', name: 'Bob Example', password: 'correct-horse-battery', role: 'user' },
  })

export const ReplaceUserRequest = z
  .strictObject({
    email: Email,
    name: userName,
    role: Role.optional().openapi({ description: 'Admins only; when omitted the role is kept.' }),
    currentPassword: CurrentPassword.optional(),
  })
  .openapi('ReplaceUserRequest', { example: { email: 'alice@example.com', name: 'Alice Example' } })

export const UpdateUserRequest = z
  .strictObject({
    email: Email.optional(),
    name: userName.optional(),
    role: Role.optional().openapi({ description: 'Admins only.' }),
    currentPassword: CurrentPassword.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'must name at least one field to change' })
  .openapi('UpdateUserRequest', { minProperties: 1, example: { name: 'Alice Q. Example' } })

export const UserListQuery = z.strictObject({ ...PageQuery, sort: sortParameter(['createdAt', 'name'], 'UserSortField', 'users') })

export const idParams = z.object({ id: IdParam })
