import { drizzle } from 'drizzle-orm/d1'
import { D1ApiKeyRepository } from '../infrastructure/d1/api-keys'
import { D1IdempotencyStore } from '../infrastructure/d1/idempotency-keys'
import { purgeStaleAttempts } from '../infrastructure/d1/password-attempts'
import { requireConfig } from './config'
import { createLogger, loggableError } from './logger'

/**
 * The cron trigger's work ([triggers] in wrangler.toml): expired idempotency keys are otherwise deleted only when
 * their own key comes back, so without this the table would grow with every POST ever retried-safe. Also API keys
 * revoked or expired 30 days ago, and password-attempt counts untouched for a day (their lock lapsed).
 */
// Imported on demand by src/index.ts, which the unused-export check does not follow.
// ts-unused-exports:disable-next-line
export async function runHousekeeping(env: Env, cron: string): Promise<void> {
  const config = requireConfig(env)
  const logger = createLogger(config.LOG_LEVEL, { cron })
  try {
    const db = drizzle(config.DB)
    const deleted = await new D1IdempotencyStore(db).purgeExpired()
    logger.info('housekeeping.idempotency_keys_purged', { deleted })
    logger.info('housekeeping.api_keys_purged', { deleted: await new D1ApiKeyRepository(db).purgeEnded() })
    logger.info('housekeeping.login_attempts_purged', { deleted: await purgeStaleAttempts(db) })
  } catch (error) {
    logger.error('housekeeping.failed', loggableError(error))
    throw error
  }
}
