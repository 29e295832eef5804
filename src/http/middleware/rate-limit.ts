import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env'
import { isolateServices, verifyToken } from '../../runtime/composition'
import { digestHex } from '../digest'
import { sendError } from '../envelope'

// The window of both [[ratelimits]] bindings in wrangler.toml, which is also the longest a client waits.
const PERIOD_SECONDS = 60

const clientIp = (c: Context<AppEnv>) => c.req.header('CF-Connecting-IP') ?? 'unknown'

function tooMany(c: Context<AppEnv>) {
  c.header('Retry-After', String(PERIOD_SECONDS))
  return sendError(c, 'RATE_LIMITED', `Too many requests; retry after ${PERIOD_SECONDS} seconds`)
}

/** Every /api request: per user when the bearer token is valid (checked without D1), otherwise per client IP. */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const { limits } = isolateServices(c)
  const bearer = /^Bearer (\S+)$/.exec(c.req.header('Authorization') ?? '')?.[1]
  const userId = bearer ? await verifyToken(c, bearer) : null
  if (!(await limits.general.allow(userId ? `user:${userId}` : `ip:${clientIp(c)}`))) return tooMany(c)
  await next()
})

/**
 * Login and registration: a strict limit per IP and per email, so neither one address nor one account can be
 * brute-forced. The email is hashed before it becomes a key.
 */
export const authRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const { limits } = isolateServices(c)
  // Login and registration count separately: signing up does not use up an account's login attempts.
  const keys = [`${c.req.path}:ip:${clientIp(c)}`]
  if (/^application\/json/i.test(c.req.header('Content-Type') ?? '')) {
    // A body that does not parse is left for validation to reject (400); it still counts against the IP.
    const body: unknown = await c.req.json().catch(() => undefined)
    const email = typeof body === 'object' && body !== null && 'email' in body ? body.email : undefined
    if (typeof email === 'string') keys.push(`${c.req.path}:email:${await digestHex('SHA-256', email.trim().toLowerCase())}`)
  }
  const allowed = await Promise.all(keys.map((key) => limits.auth.allow(key)))
  if (allowed.includes(false)) return tooMany(c)
  await next()
})
