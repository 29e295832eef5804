import { DomainError, unauthorized } from '../domain/errors'
import type { User } from '../domain/user'
import type { Background, EmailService, IssuedToken, TokenService, UserRepository } from './ports'

interface RegisterInput {
  email: string
  name: string
  password: string
}

/** Self-service sign-up: always the `user` role; the welcome email never blocks or fails it. */
export async function register(
  deps: {
    users: UserRepository
    tokens: TokenService
    email: EmailService
    background: Background
    onEmailError: (error: unknown) => void
  },
  input: RegisterInput,
): Promise<{ user: User } & IssuedToken> {
  const user = await deps.users.create({ ...input, role: 'user' })
  deps.background(deps.email.sendWelcome(user).catch(deps.onEmailError))
  return { user, ...(await deps.tokens.issue(user)) }
}

export async function login(
  deps: { users: UserRepository; tokens: TokenService },
  input: { email: string; password: string },
): Promise<{ user: User } & IssuedToken> {
  const user = await deps.users.verifyCredentials(input.email, input.password)
  if (!user) throw new DomainError('INVALID_CREDENTIALS', 'Email or password is wrong')
  return { user, ...(await deps.tokens.issue(user)) }
}

/** The caller as stored now: a valid token of a deleted user is refused, and a changed role applies at once. */
export async function authenticate(deps: { users: UserRepository; tokens: TokenService }, token: string): Promise<User> {
  const userId = await deps.tokens.verify(token)
  if (!userId) throw unauthorized('The token is invalid or expired')
  const user = await deps.users.get(userId)
  if (!user) throw unauthorized('The token belongs to a user that no longer exists')
  return user
}
