import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env'
import { createLogger, isLogLevel } from '../../runtime/logger'

/** Gives the request its logger (carrying the request id) and writes one line when it is answered. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const level = isLogLevel(c.env.LOG_LEVEL) ? c.env.LOG_LEVEL : 'info'
  const logger = createLogger(level, { requestId: c.get('requestId') })
  c.set('logger', logger)
  const started = performance.now()
  await next()
  const status = c.res.status
  const line = {
    method: c.req.method,
    route: c.req.routePath,
    status,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    userId: c.get('access')?.confirmed?.user.id,
  }
  if (status >= 500) logger.error('request', line)
  else logger.info('request', line)
})
