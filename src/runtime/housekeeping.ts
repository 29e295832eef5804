import { drizzle } from 'drizzle-orm/d1'
import { welcome } from '../application/auth'
import { D1IdempotencyStore } from '../infrastructure/d1/idempotency-keys'
import { D1Welcomes } from '../infrastructure/d1/welcomes'
import { logEmailService } from '../infrastructure/email'
import { D1ApiKeyRepository } from '../infrastructure/d1/api-keys'
import { purgeStaleAttempts } from '../infrastructure/d1/password-attempts'
import { requireConfig } from './config'
import { createLogger, loggableError } from './logger'
import { sweepEvents } from '../application/dispatch'
import { EVENT_RETENTION_DAYS } from '../domain/webhook'
import { dispatchDeps } from './webhooks'

// A sign-up's own invocation sends its welcome right after the answer; the sweep takes only those it missed, and a
// bounded number per run so a long outage of the email provider drains over several runs.
const WELCOME_GRACE_MS = 10 * 60 * 1000
const WELCOMES_PER_RUN = 200

/**
 * The cron trigger's work ([triggers] in wrangler.toml): expired idempotency keys are otherwise deleted only when
 * their own key comes back, so without this the table would grow with every POST ever retried-safe. Also API keys
 * revoked or expired 30 days ago, and password-attempt counts untouched for a day (their lock lapsed); and the welcome
 * emails that work after a sign-up's answer failed to send are sent.
 */
// Imported on demand by src/index.ts, which the unused-export check does not follow.
// ts-unused-exports:disable-next-line
export async function runHousekeeping(env: Env, cron: string): Promise<void> {
  const config = requireConfig(env)
  const logger = createLogger(config.LOG_LEVEL, { cron })
  const db = drizzle(config.DB)
  // Each task on its own: one that fails (logged) does not keep the others from running; the run fails after them all.
  const tasks: [string, () => Promise<void>][] = [
    [
      'idempotency_keys_purged',
      async () => logger.info('housekeeping.idempotency_keys_purged', { deleted: await new D1IdempotencyStore(db).purgeExpired() }),
    ],
    [
      'api_keys_purged',
      async () => logger.info('housekeeping.api_keys_purged', { deleted: await new D1ApiKeyRepository(db).purgeEnded() }),
    ],
    ['login_attempts_purged', async () => logger.info('housekeeping.login_attempts_purged', { deleted: await purgeStaleAttempts(db) })],
    [
      'welcomes_sent',
      async () => {
        const welcomes = new D1Welcomes(db)
        const owed = await welcomes.pending(new Date(Date.now() - WELCOME_GRACE_MS).toISOString(), WELCOMES_PER_RUN)
        const email = logEmailService((message, fields) => logger.info(message, fields))
        let failed = 0
        const onEmailError = (error: unknown) => void (failed++, logger.error('email.failed', loggableError(error)))
        for (const user of owed) await welcome({ email, welcomes, onEmailError }, user)
        logger.info('housekeeping.welcomes_sent', { sent: owed.length - failed, failed })
      },
    ],
    [
      // Events whose queue send failed after their answer are sent now; events past their 30 days are deleted.
      'events_swept',
      async () => logger.info('housekeeping.events_swept', await sweepEvents(dispatchDeps(config), Date.now(), EVENT_RETENTION_DAYS)),
    ],
  ]
  const failures: unknown[] = []
  for (const [task, run] of tasks) {
    await run().catch((error: unknown) => {
      logger.error('housekeeping.failed', { task, ...loggableError(error) })
      failures.push(error)
    })
  }
  if (failures.length) throw failures[0]
}
