import { unauthorized } from '../domain/errors'
import type { User } from '../domain/user'
import type { TokenService, UserRepository } from './ports'

/** The caller as stored now: a valid token of a deleted user is refused, and a changed role applies at once. */
export async function authenticate(deps: { users: UserRepository; tokens: TokenService }, token: string): Promise<User> {
  const userId = await deps.tokens.verify(token)
  if (!userId) throw unauthorized('The token is invalid or expired')
  const user = await deps.users.findById(userId)
  if (!user) throw unauthorized('The token belongs to a user that no longer exists')
  return user
}
