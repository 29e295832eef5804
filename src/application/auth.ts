import { isExpired, tokenCredential, type Credential } from '../domain/api-key'
import { accountLocked, invalidCredentials, reauthenticationRequired, unauthorized } from '../domain/errors'
import type { Actor, User } from '../domain/user'
import type {
  ApiKeyRepository,
  ApiKeySecrets,
  Background,
  Credentials,
  EmailService,
  IssuedToken,
  TokenService,
  UserRepository,
} from './ports'

type Session = { user: User } & IssuedToken
type Accounts = { credentials: Credentials; tokens: TokenService }
type Afterwards = { background: Background; onBackgroundError: (event: string, error: unknown) => void }

interface RegisterInput {
  email: string
  name: string
  password: string
}

/** Self-service sign-up: always the `user` role; the welcome email never blocks or fails it. */
export async function register(
  deps: Accounts & Afterwards & { users: UserRepository; email: EmailService; onEmailError: (error: unknown) => void },
  input: RegisterInput,
): Promise<Session> {
  const user = await deps.users.create({ ...input, role: 'user' })
  deps.background(deps.email.sendWelcome(user).catch(deps.onEmailError))
  return { user, ...(await deps.tokens.issue(user, 0)) }
}

/**
 * The account's password, checked against its lock: a locked account evaluates no password at all, and a failed one
 * counts towards the next lock. Clearing the count after a success is recorded after the answer.
 */
async function checkPassword(deps: Accounts & Afterwards, account: { email: string } | { id: string }, password: string, now: number) {
  const attempt = await deps.credentials.attemptPassword(account, password, now)
  if (attempt.outcome === 'locked') throw accountLocked(attempt.until, now)
  if (attempt.outcome === 'accepted') {
    deps.background(
      deps.credentials.passwordAccepted(attempt.user.id).catch((error: unknown) => deps.onBackgroundError('login.reset_failed', error)),
    )
  }
  return attempt
}

export async function login(deps: Accounts & Afterwards, input: { email: string; password: string }, now = Date.now()): Promise<Session> {
  const attempt = await checkPassword(deps, { email: input.email }, input.password, now)
  if (attempt.outcome !== 'accepted') throw invalidCredentials()
  return { user: attempt.user, ...(await deps.tokens.issue(attempt.user, attempt.tokenGeneration)) }
}

/** Proves the caller knows their password before a change that would let a stolen token take the account over. */
export async function confirmPassword(deps: Accounts & Afterwards, actor: Actor, password: string | undefined, now = Date.now()) {
  if (password === undefined) throw reauthenticationRequired()
  const attempt = await checkPassword(deps, { id: actor.id }, password, now)
  if (attempt.outcome !== 'accepted') throw reauthenticationRequired()
}

/** A new password; every token issued before it stops working, and the caller gets a fresh one. */
export async function changePassword(
  deps: Accounts & Afterwards,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  now = Date.now(),
): Promise<Session> {
  await confirmPassword(deps, actor, input.currentPassword, now)
  const changed = await deps.credentials.changePassword(actor.id, input.newPassword)
  if (!changed) throw unauthorized('The token belongs to a user that no longer exists')
  return { user: changed.user, ...(await deps.tokens.issue(changed.user, changed.tokenGeneration)) }
}

/** Ends every token the caller holds (all their sessions, on every device). */
export async function logout(deps: Accounts, actor: Actor): Promise<void> {
  await deps.credentials.endSessions(actor.id)
}

const USE_RECORDED_EVERY_MS = 60_000

/**
 * The caller as stored now, and what their credential may do: a login token (every scope), refused when its user is
 * gone or it was signed out; or an API key (its scopes), refused when unknown, revoked or expired, or its owner is gone.
 * Either way one database read. A key's last use is recorded after the answer, at most once a minute.
 */
export async function authenticate(
  deps: Accounts & Afterwards & { apiKeys: ApiKeyRepository; keySecrets: ApiKeySecrets },
  bearer: string,
  now = Date.now(),
): Promise<{ user: User; credential: Credential }> {
  if (deps.keySecrets.looksLikeKey(bearer)) {
    const hash = await deps.keySecrets.recognise(bearer)
    const found = hash === null ? null : await deps.apiKeys.authenticate(hash)
    if (!found) throw unauthorized('The API key is not valid (unknown, revoked, or its owner was deleted)')
    if (isExpired(found.key, now)) throw unauthorized('The API key has expired')
    const { key } = found
    if (key.lastUsedAt === null || now - Date.parse(key.lastUsedAt) >= USE_RECORDED_EVERY_MS) {
      deps.background(
        deps.apiKeys
          .touch(key.id, new Date(now).toISOString())
          .catch((error: unknown) => deps.onBackgroundError('api_key.touch_failed', error)),
      )
    }
    return { user: found.user, credential: { kind: 'key', scopes: key.scopes, keyId: key.id } }
  }
  const claims = await deps.tokens.verify(bearer)
  if (!claims) throw unauthorized('The token is invalid or expired')
  const session = await deps.credentials.getSession(claims.userId)
  if (!session) throw unauthorized('The token belongs to a user that no longer exists')
  if (session.tokenGeneration !== claims.generation) throw unauthorized('The token was signed out (a sign-out or a password change)')
  return { user: session.user, credential: tokenCredential }
}
