import type { Probe } from '../application/health'
import { ConfigError, readConfig } from './config'

/** What GET /health checks: D1 answers a query, KV answers a read, and the configuration is valid. */
export function healthProbes(env: Env): { database: Probe; cache: Probe; config: Probe } {
  const config = readConfig(env)
  return {
    database: async () => {
      if (!env.DB) throw new Error('D1 binding DB is missing')
      await env.DB.prepare('SELECT 1').first()
    },
    cache: async () => {
      if (!env.CACHE) throw new Error('KV binding CACHE is missing')
      // A read, not a write: KV writes are rate limited per key and billed, and a read proves the namespace answers.
      await env.CACHE.get('health-check')
    },
    config: async () => {
      if (config instanceof ConfigError) throw new Error(config.problems.join('; '))
    },
  }
}
