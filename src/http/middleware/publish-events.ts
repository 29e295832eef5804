import { createMiddleware } from 'hono/factory'
import { publishEvents } from '../../application/dispatch'
import { usedRequestDeps } from '../../runtime/composition'
import type { AppEnv } from '../app-env'

/**
 * After a successful answer, the events its writes recorded (in their own batches) go to the webhook queue. When that
 * fails, the cron job sends them later (they are still undispatched in the outbox); nothing the client sees changes.
 */
export const publishRecordedEvents = createMiddleware<AppEnv>(async (c, next) => {
  await next()
  const deps = usedRequestDeps(c)
  const recorded = deps?.outbox.recorded ?? []
  if (!deps || recorded.length === 0 || c.res.status >= 300) return
  deps.background(() =>
    publishEvents(deps, [...recorded]).catch((error: unknown) => deps.onBackgroundError('webhook.queue_send_failed', error)),
  )
})
