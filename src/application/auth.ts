import type { Access, Caller, Principal } from '../domain/access'
import { accountLocked, DomainError, invalidCredentials, reauthenticationRequired } from '../domain/errors'
import type { User } from '../domain/user'
import type {
  ApiKeyRepository,
  ApiKeySecrets,
  Background,
  CallerAccount,
  Credentials,
  EmailService,
  Guard,
  IssuedToken,
  TokenService,
  UserRepository,
  Welcomes,
} from './ports'
import { retried } from './retries'

type Session = { user: User } & IssuedToken
type Accounts = { credentials: Credentials; tokens: TokenService }
type Afterwards = { background: Background; onBackgroundError: (event: string, error: unknown) => void }

interface RegisterInput {
  email: string
  name: string
  password: string
}

type Welcoming = { email: EmailService; welcomes: Welcomes; onEmailError: (error: unknown) => void }

/**
 * Self-service sign-up: always the `user` role; the welcome email never blocks or fails it. It is sent after the
 * answer; if that fails, the cron job sends it (welcomePending).
 */
export async function register(
  deps: Accounts & Afterwards & Welcoming & { users: UserRepository },
  input: RegisterInput,
): Promise<Session> {
  const user = await deps.users.create({ ...input, role: 'user' })
  deps.background(() => welcome(deps, user))
  return { user, ...(await deps.tokens.issue(user, 0)) }
}

/** The answer to a sign-up whose first answer was lost: the account it created, with a fresh token. */
export async function resumeRegistration(deps: Accounts & { users: UserRepository }, id: string): Promise<Session | null> {
  const user = await deps.users.get(id)
  return user && { user, ...(await deps.tokens.issue(user, 0)) }
}

/** Sends a user's welcome email and records it (each tried again on failure); a failure is reported, never thrown. */
export async function welcome(deps: Welcoming, user: Pick<User, 'id' | 'email' | 'name'>): Promise<void> {
  try {
    await retried(() => deps.email.sendWelcome(user))
    await retried(() => deps.welcomes.sent(user.id))
  } catch (error) {
    deps.onEmailError(error)
  }
}

/**
 * The account's password, checked against its lock: a locked account evaluates no password at all, and a failed one
 * counts towards the next lock. Clearing the count after a success is recorded after the answer.
 */
async function checkPassword(
  deps: Accounts & Afterwards,
  account: { email: string; address: string } | CallerAccount,
  password: string,
  now: number,
) {
  const attempt = await deps.credentials.attemptPassword(account, password, now).catch((error: unknown) => {
    // Refused (401, 403) before anything was counted; any other failure may have counted an attempt never judged.
    if (!(error instanceof DomainError)) {
      deps.background(() =>
        retried(() => deps.credentials.attemptLost(account, now)).catch((cause: unknown) =>
          deps.onBackgroundError('login.uncount_failed', cause),
        ),
      )
    }
    throw error
  })
  if (attempt.outcome === 'locked') throw accountLocked(attempt.until, now)
  if (attempt.outcome === 'accepted') {
    const address = 'email' in account ? account.address : account.caller.access.address
    deps.background(() =>
      retried(() => deps.credentials.passwordAccepted(attempt.user.id, address)).catch((error: unknown) =>
        deps.onBackgroundError('login.reset_failed', error),
      ),
    )
  }
  return attempt
}

export async function login(
  deps: Accounts & Afterwards,
  input: { email: string; password: string; address: string },
  now = Date.now(),
): Promise<Session> {
  const attempt = await checkPassword(deps, { email: input.email, address: input.address }, input.password, now)
  if (attempt.outcome !== 'accepted') throw invalidCredentials()
  return { user: attempt.user, ...(await deps.tokens.issue(attempt.user, attempt.tokenGeneration)) }
}

/**
 * Proves the caller knows their password before a change that would let a stolen token take the account over. Its own
 * round trip before the change: the password is compared on the Worker, between reading its hash and writing.
 */
export async function confirmPassword(
  deps: Accounts & Afterwards,
  guard: Guard,
  password: string | undefined,
  movingEmail?: CallerAccount['movingEmail'],
) {
  if (password === undefined) throw reauthenticationRequired()
  const attempt = await checkPassword(deps, { caller: guard, ...(movingEmail ? { movingEmail } : {}) }, password, guard.access.now)
  if (attempt.outcome !== 'accepted') throw reauthenticationRequired()
}

/** A new password; every token issued before it stops working, and the caller gets a fresh one. */
export async function changePassword(
  deps: Accounts & Afterwards,
  access: Access,
  input: { currentPassword: string; newPassword: string },
): Promise<Session> {
  await confirmPassword(deps, { access }, input.currentPassword)
  const changed = await deps.credentials.changePassword({ access }, input.newPassword)
  return { user: changed.user, ...(await deps.tokens.issue(changed.user, changed.tokenGeneration)) }
}

/** Ends every token the caller holds (all their sessions, on every device). */
export async function logout(deps: Accounts, access: Access): Promise<void> {
  await deps.credentials.endSessions({ access })
}

/** The caller's own record, as stored now. */
export async function getProfile({ users }: { users: UserRepository }, access: Access): Promise<User> {
  return (await users.caller({ access })).user
}

/**
 * Who a bearer credential says it is, told without the database: a login token whose signature and expiry hold, or
 * an API key of the shape this API issues (its tag). Null for anything else. The database confirms the caller in the
 * operation's own round trip (domain/access.ts).
 */
export async function identify(deps: { tokens: TokenService; keySecrets: ApiKeySecrets }, bearer: string): Promise<Principal | null> {
  if (deps.keySecrets.looksLikeKey(bearer)) {
    const hash = await deps.keySecrets.recognise(bearer)
    return hash === null ? null : { kind: 'key', hash }
  }
  const claims = await deps.tokens.verify(bearer)
  return claims && { kind: 'token', userId: claims.userId, generation: claims.generation, issuedAt: claims.issuedAt }
}

const USE_RECORDED_EVERY_MS = 60_000

/** A key's last use, recorded after the answer, at most once a minute. */
export function recordKeyUse(deps: Afterwards & { apiKeys: ApiKeyRepository }, caller: Caller | undefined, now = Date.now()) {
  const keyId = caller?.credential.kind === 'key' ? caller.credential.keyId : undefined
  if (!keyId) return
  const last = caller?.keyLastUsedAt
  if (last && now - Date.parse(last) < USE_RECORDED_EVERY_MS) return
  deps.background(() =>
    retried(() => deps.apiKeys.touch(keyId, new Date(now).toISOString())).catch((error: unknown) =>
      deps.onBackgroundError('api_key.touch_failed', error),
    ),
  )
}
