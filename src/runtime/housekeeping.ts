import { drizzle } from 'drizzle-orm/d1'
import { D1IdempotencyStore } from '../infrastructure/d1/idempotency-keys'
import { requireConfig } from './config'
import { createLogger, loggableError } from './logger'

/**
 * The cron trigger's work ([triggers] in wrangler.toml): expired idempotency keys are otherwise deleted only when
 * their own key comes back, so without this the table would grow with every POST ever retried-safe.
 */
// Imported on demand by src/index.ts, which the unused-export check does not follow.
// ts-unused-exports:disable-next-line
export async function runHousekeeping(env: Env, cron: string): Promise<void> {
  const config = requireConfig(env)
  const logger = createLogger(config.LOG_LEVEL, { cron })
  try {
    const deleted = await new D1IdempotencyStore(drizzle(config.DB)).purgeExpired()
    logger.info('housekeeping.idempotency_keys_purged', { deleted })
  } catch (error) {
    logger.error('housekeeping.failed', loggableError(error))
    throw error
  }
}
