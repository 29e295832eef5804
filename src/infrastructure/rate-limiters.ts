import type { RateLimiter } from '../application/ports'

/** The Workers Rate Limiting binding ([[ratelimits]] in wrangler.toml): per-location, eventually consistent counts. */
export function bindingRateLimiter(binding: RateLimit): RateLimiter {
  return { allow: async (key) => (await binding.limit({ key })).success }
}

/** For load tests only (RATE_LIMITS=off); config validation refuses it in staging and production. */
export const unlimited: RateLimiter = { allow: async () => true }
