import type { User } from '../domain/user'
import type { Background, EmailService, IssuedToken, TokenService, UserRepository } from './ports'

export interface RegisterInput {
  email: string
  name: string
  password: string
}

/** Self-service sign-up: always the `user` role; the welcome email never blocks or fails it. */
export async function registerUser(
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
