import { getHealth } from '../application/health'
import type { healthOperations } from '../contract/health'
import { healthProbes } from '../runtime/health-probes'
import type { Handlers } from './handlers'

export const healthHandlers: Handlers<typeof healthOperations> = {
  async getHealth(c) {
    const report = await getHealth(healthProbes(c.env))
    // Anyone may ask: the answer says which check failed, never why (a reason can name a binding or a secret).
    const checks = Object.fromEntries(
      Object.entries(report.checks).map(([name, { healthy, latencyMs, required, error }]) => {
        if (error) c.get('logger').error('health.check_failed', { check: name, error })
        return [name, { healthy, latencyMs, required }]
      }),
    ) as Record<keyof typeof report.checks, { healthy: boolean; latencyMs: number; required: boolean }>
    const body = { ...report, checks }
    c.header('Cache-Control', 'no-store')
    return report.status === 'unhealthy' ? c.json(body, 503) : c.json(body, 200)
  },
}
