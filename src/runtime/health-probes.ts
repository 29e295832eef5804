import type { Probes } from '../application/health'
import { bindingRateLimiter } from '../infrastructure/rate-limiters'
import { ConfigError, readConfig } from './config'

const PROBE_KEY = 'https://worker-cache.invalid/health-check'

/**
 * What GET /health checks: what the operations depend on, each with whether they fail without it (`required`).
 * Every probe reads and writes nothing that matters: the limiters count a key of their own.
 */
export function healthProbes(env: Env): Probes<'database' | 'signInLimiter' | 'config' | 'cache' | 'rateLimiter'> {
  const config = readConfig(env)
  const limiter = (binding: RateLimit | undefined, name: string) => async () => {
    if (!binding) throw new Error(`Rate limiting binding ${name} is missing`)
    // RATE_LIMITS=off (local load tests) does not use the bindings, so they cannot fail an operation.
    if (!(config instanceof ConfigError) && config.RATE_LIMITS === 'off') return
    // Through the adapter the operations use, so a limiter that hangs fails here as it fails them (after 500 ms).
    await bindingRateLimiter(binding).allow('health-check')
  }
  return {
    database: {
      required: true,
      probe: async () => {
        if (!env.DB) throw new Error('D1 binding DB is missing')
        await env.DB.prepare('SELECT 1').first()
      },
    },
    signInLimiter: { required: true, probe: limiter(env.AUTH_RATE_LIMITER, 'AUTH_RATE_LIMITER') },
    config: {
      required: true,
      probe: async () => {
        if (config instanceof ConfigError) throw new Error(config.problems.join('; '))
      },
    },
    cache: {
      required: false,
      probe: async () => {
        await caches.default.match(PROBE_KEY)
      },
    },
    rateLimiter: { required: false, probe: limiter(env.RATE_LIMITER, 'RATE_LIMITER') },
  }
}
