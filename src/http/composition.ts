import { drizzle } from 'drizzle-orm/d1'
import type { Context } from 'hono'
import type { TokenService } from '../application/ports'
import { D1IdempotencyStore } from '../infrastructure/db/d1-idempotency-store'
import { D1PostRepository } from '../infrastructure/db/d1-post-repository'
import { D1UserRepository } from '../infrastructure/db/d1-user-repository'
import { jwtTokenService } from '../infrastructure/jwt-token-service'
import { logEmailService } from '../infrastructure/log-email-service'
import { bindingRateLimiter, unlimited } from '../infrastructure/rate-limiters'
import type { AppEnv } from './app-env'
import { requireConfig } from './config'

const built = new WeakMap<Context<AppEnv>, ReturnType<typeof build>>()

/** The composition root: the one place that picks adapters for the ports, from the validated bindings. Built once per request. */
export function deps(c: Context<AppEnv>) {
  let found = built.get(c)
  if (!found) built.set(c, (found = build(c)))
  return found
}

function build(c: Context<AppEnv>) {
  const config = requireConfig(c.env)
  const db = drizzle(config.DB)
  const logger = c.get('logger')
  return {
    users: new D1UserRepository(db),
    posts: new D1PostRepository(db),
    idempotency: new D1IdempotencyStore(db),
    limits:
      config.RATE_LIMITS === 'off'
        ? { general: unlimited, auth: unlimited }
        : { general: bindingRateLimiter(config.RATE_LIMITER), auth: bindingRateLimiter(config.AUTH_RATE_LIMITER) },
    tokens: jwtTokenService(config.JWT_SECRET) satisfies TokenService,
    email: logEmailService((message, fields) => logger.info(message, fields)),
    background: (work: Promise<unknown>) => c.executionCtx.waitUntil(work),
    onEmailError: (error: unknown) => logger.error('email.failed', { error: error instanceof Error ? error.message : String(error) }),
  }
}
