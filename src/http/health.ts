import { getHealth } from '../application/health'
import type { healthOperations } from '../contract/health'
import { healthProbes } from '../runtime/health-probes'
import type { Handlers } from './handlers'

export const healthHandlers: Handlers<typeof healthOperations> = {
  async getHealth(c) {
    const report = await getHealth(healthProbes(c.env))
    c.header('Cache-Control', 'no-store')
    return report.status === 'healthy' ? c.json(report, 200) : c.json(report, 503)
  },
}
