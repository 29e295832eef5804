import { z } from 'zod'

/** What the Worker needs from its bindings and vars; checked once per isolate, before the first request uses them. */
const ConfigSchema = z
  .object({
    DB: z.custom<D1Database>((value) => typeof value === 'object' && value !== null && 'prepare' in value, 'D1 binding DB is missing'),
    JWT_SECRET: z.string({ error: 'JWT_SECRET is missing' }).min(32, 'JWT_SECRET must be at least 32 characters'),
    ENVIRONMENT: z.enum(['development', 'test', 'staging', 'production'], {
      error: 'ENVIRONMENT must be development, test, staging or production',
    }),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    CORS_ORIGINS: z.string().default(''),
    // Where integrators reach this deployment (https://api.example.com): the served document's server and error.docs
    // links come from it, never from the request's Host. In development the origin serving the request stands in.
    PUBLIC_ORIGIN: z
      .url({ protocol: /^https?$/, error: 'PUBLIC_ORIGIN must be an http(s) origin such as https://api.example.com' })
      .transform((url) => new URL(url).origin)
      .optional(),
    RATE_LIMITER: z.custom<RateLimit>(
      (value) => typeof value === 'object' && value !== null && 'limit' in value,
      'Rate limiting binding RATE_LIMITER is missing',
    ),
    AUTH_RATE_LIMITER: z.custom<RateLimit>(
      (value) => typeof value === 'object' && value !== null && 'limit' in value,
      'Rate limiting binding AUTH_RATE_LIMITER is missing',
    ),
    // Events go to the webhook queue after the answer; its consumer is this Worker's queue handler.
    WEBHOOK_QUEUE: z.custom<Queue>(
      (value) => typeof value === 'object' && value !== null && 'send' in value,
      'Queue binding WEBHOOK_QUEUE is missing',
    ),
    // Seconds between a failed delivery and its next attempt, comma-separated (shortened in tests and local runs).
    WEBHOOK_RETRY_SCHEDULE: z
      .string()
      .regex(/^[0-9]{1,5}(,[0-9]{1,5}){0,99}$/, 'WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds, such as 5,300,1800')
      .transform((text) => text.split(',').map((seconds) => Math.min(Number(seconds), 43_200)))
      .optional(),
    // `off` exists for local load tests only (npm run bench); never in a deployed environment.
    RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  })
  .refine((config) => config.RATE_LIMITS === 'on' || ['development', 'test'].includes(config.ENVIRONMENT), {
    message: 'RATE_LIMITS=off is allowed only in development and test',
    path: ['RATE_LIMITS'],
  })
  .refine((config) => config.PUBLIC_ORIGIN !== undefined || ['development', 'test'].includes(config.ENVIRONMENT), {
    message: 'PUBLIC_ORIGIN is required outside development and test',
    path: ['PUBLIC_ORIGIN'],
  })
export type Config = z.infer<typeof ConfigSchema>

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`)
    this.name = 'ConfigError'
  }
}

const cache = new WeakMap<object, Config | ConfigError>()

/** The validated config, or a ConfigError naming every missing or bad binding (never their values). */
export function readConfig(env: Env): Config | ConfigError {
  let config = cache.get(env)
  if (!config) {
    const parsed = ConfigSchema.safeParse(env)
    config = parsed.success
      ? parsed.data
      : new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'env'}: ${issue.message}`))
    cache.set(env, config)
  }
  return config
}

export function requireConfig(env: Env): Config {
  const config = readConfig(env)
  if (config instanceof ConfigError) throw config
  return config
}
