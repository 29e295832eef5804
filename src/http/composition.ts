import { drizzle } from 'drizzle-orm/d1'
import type { Context } from 'hono'
import type { TokenService } from '../application/ports'
import { D1IdempotencyStore } from '../infrastructure/db/d1-idempotency-store'
import { D1PostRepository } from '../infrastructure/db/d1-post-repository'
import { D1UserRepository } from '../infrastructure/db/d1-user-repository'
import { jwtTokenService } from '../infrastructure/jwt-token-service'
import { logEmailService } from '../infrastructure/log-email-service'
import type { AppEnv } from './app-env'
import { requireConfig } from './config'

/** The composition root: the one place that picks adapters for the ports, from the validated bindings. */
export function deps(c: Context<AppEnv>) {
  const config = requireConfig(c.env)
  const db = drizzle(config.DB)
  const logger = c.get('logger')
  return {
    users: new D1UserRepository(db),
    posts: new D1PostRepository(db),
    idempotency: new D1IdempotencyStore(db),
    tokens: jwtTokenService(config.JWT_SECRET) satisfies TokenService,
    email: logEmailService((message, fields) => logger.info(message, fields)),
    background: (work: Promise<unknown>) => c.executionCtx.waitUntil(work),
    onEmailError: (error: unknown) => logger.error('email.failed', { error: error instanceof Error ? error.message : String(error) }),
  }
}
