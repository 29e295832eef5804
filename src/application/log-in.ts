import { DomainError } from '../domain/errors'
import type { User } from '../domain/user'
import type { IssuedToken, TokenService, UserRepository } from './ports'

export async function logIn(
  deps: { users: UserRepository; tokens: TokenService },
  input: { email: string; password: string },
): Promise<{ user: User } & IssuedToken> {
  const user = await deps.users.verifyCredentials(input.email, input.password)
  if (!user) throw new DomainError('INVALID_CREDENTIALS', 'Email or password is wrong')
  return { user, ...(await deps.tokens.issue(user)) }
}
