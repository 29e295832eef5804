import type { RateLimiter } from '../application/ports'

// A limiter that does not answer is a failed one: no request waits longer than this on a counter. The middleware then
// fails open (the general limit) or closed (sign-in), as docs/runbook.md says.
const LIMIT_TIMEOUT_MS = 500

/** The Workers Rate Limiting binding ([[ratelimits]] in wrangler.toml): per-location, eventually consistent counts. */
export function bindingRateLimiter(binding: RateLimit): RateLimiter {
  return {
    async allow(key) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`The rate limiter did not answer within ${LIMIT_TIMEOUT_MS} ms`)), LIMIT_TIMEOUT_MS)
      })
      try {
        return (await Promise.race([binding.limit({ key }), late])).success
      } finally {
        if (timer !== undefined) clearTimeout(timer)
      }
    },
  }
}

/** For load tests only (RATE_LIMITS=off); config validation refuses it in staging and production. */
export const unlimited: RateLimiter = { allow: async () => true }
