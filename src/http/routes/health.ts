import type { OpenAPIHono } from '@hono/zod-openapi'
import { checkHealth } from '../../application/check-health'
import { getHealth } from '../../contract/health'
import type { AppEnv } from '../app-env'
import { ConfigError, readConfig } from '../config'

export function healthRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(getHealth, async (c) => {
    const config = readConfig(c.env)
    const report = await checkHealth({
      database: async () => {
        if (!c.env.DB) throw new Error('D1 binding DB is missing')
        await c.env.DB.prepare('SELECT 1').first()
      },
      cache: async () => {
        if (!c.env.CACHE) throw new Error('KV binding CACHE is missing')
        // A read, not a write: KV writes are rate limited per key and billed, and a read proves the namespace answers.
        await c.env.CACHE.get('health-check')
      },
      config: async () => {
        if (config instanceof ConfigError) throw new Error(config.problems.join('; '))
      },
    })
    c.header('Cache-Control', 'no-store')
    return report.status === 'healthy' ? c.json(report, 200) : c.json(report, 503)
  })
}
