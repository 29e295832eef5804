import { serviceUnavailable, type DomainError } from '../domain/errors'
import { isDatabaseUnavailable } from '../infrastructure/d1/errors'

/** Seconds a client waits after the database failed: D1's own blips (a lost connection, a reset object) last about that. */
const DATABASE_RETRY_SECONDS = 2

/**
 * A failure of a dependency, as the 503 the client is told (`null` for anything else, which is a bug: a 500). Told
 * from the error itself, in one place, whatever layer let it through.
 */
export function dependencyFailure(error: unknown): DomainError | null {
  if (isDatabaseUnavailable(error)) return serviceUnavailable('The database did not answer; retry shortly', DATABASE_RETRY_SECONDS)
  return null
}
