import type { Context } from 'hono'
import { ConfigError, readConfig } from '../runtime/config'
import type { AppEnv } from './app-env'

/**
 * Where integrators reach this deployment: PUBLIC_ORIGIN (required by the config outside development and test). Only
 * in development and test, where it may be unset, does the origin serving the request stand in, so the docs work on
 * any port. A Host header never names links or cache entries in a deployed environment.
 */
export function publicOrigin(c: Context<AppEnv>): string {
  const config = readConfig(c.env)
  if (!(config instanceof ConfigError) && config.PUBLIC_ORIGIN) return config.PUBLIC_ORIGIN
  return new URL(c.req.url).origin
}
