import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env'
import { digestHex, isolateServices } from '../../runtime/composition'
import { principalOf } from './authentication'
import { rateLimited, serviceUnavailable } from '../../domain/errors'

// The window of both [[ratelimits]] bindings in wrangler.toml, which is also the longest a client waits.
const PERIOD_SECONDS = 60

const clientIp = (c: Context<AppEnv>) => c.req.header('CF-Connecting-IP') ?? 'unknown'

// How long a client waits when the sign-in limiter cannot be asked (it fails closed: see limitLogin).
const LIMITER_DOWN_RETRY_SECONDS = 30

/**
 * Every /api request, in its own bucket: per API key (one this API issued, told by its tag, without D1), per user for a
 * valid login token (checked without D1), otherwise per client address. A made-up key or token buys no bucket.
 *
 * Fails open: when the limiter binding throws, the request goes on (and the failure is logged). Reads and writes must
 * not die because a counter did; every write is still guarded by its credential, and sign-in by its own limiter.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const principal = await principalOf(c)
  const bucket = !principal ? `ip:${clientIp(c)}` : principal.kind === 'key' ? `key:${principal.hash}` : `user:${principal.userId}`
  const allowed = await isolateServices(c)
    .limits.general.allow(bucket)
    .catch((error: unknown) => {
      c.get('logger').error('rate_limit.unavailable', { limiter: 'general', error: error instanceof Error ? error.message : String(error) })
      return true
    })
  if (!allowed) throw rateLimited(PERIOD_SECONDS)
  await next()
})

/**
 * The sign-in limiter fails closed: without it, nothing but the account lock would bound password guessing, so when its
 * binding throws, login and registration answer 503 with Retry-After (every other operation goes on).
 */
async function allowSignIn(c: Context<AppEnv>, keys: string[]) {
  const { limits } = isolateServices(c)
  try {
    return (await Promise.all(keys.map((key) => limits.auth.allow(key)))).every(Boolean)
  } catch (error) {
    c.get('logger').error('rate_limit.unavailable', { limiter: 'auth', error: error instanceof Error ? error.message : String(error) })
    throw serviceUnavailable(
      'Signing in is unavailable for a moment (its rate limiter did not answer); retry later',
      LIMITER_DOWN_RETRY_SECONDS,
    )
  }
}

/**
 * Registration: a strict limit per client address and per email. Keyed from the validated body, after validation,
 * whatever JSON content type carried it. The email is hashed before it becomes a key, and compared without ASCII case.
 */
export async function limitRegistration(c: Context<AppEnv>, email: string) {
  const keys = [`register:ip:${clientIp(c)}`, `register:email:${await digestHex('SHA-256', email.toLowerCase())}`]
  if (!(await allowSignIn(c, keys))) throw rateLimited(PERIOD_SECONDS)
}

/**
 * Login: a strict limit per client address. Guesses against one account are bounded by the account's own lock, which
 * only failed attempts fill (docs/decisions.md), so a stranger's guesses cannot keep the owner out by themselves.
 */
export async function limitLogin(c: Context<AppEnv>) {
  if (!(await allowSignIn(c, [`login:ip:${clientIp(c)}`]))) throw rateLimited(PERIOD_SECONDS)
}
