// Which failures are the database's (503, retry) and which are ours (500, a bug): told from D1's own error only, never
// from drizzle's wrapper (whose message holds the SQL and its values, so user data could change the answer).
import { describe, expect, it } from 'vitest'
import { isDatabaseUnavailable } from '../../../src/infrastructure/d1/errors'
import { dependencyFailure } from '../../../src/runtime/failures'

/** As drizzle throws a failed single statement: its own message, D1's error as the cause. */
const wrapped = (message: string, sql = 'select 1') => new Error(`Failed query: ${sql}\nparams: `, { cause: new Error(message) })

describe('D1 failures', () => {
  it.each([
    'D1_ERROR: Network connection lost.',
    'D1_ERROR: Durable Object reset because its code was updated.',
    'D1_ERROR: The storage caused object to be reset.',
    'D1_ERROR: D1 DB is overloaded. Requests queued for too long.',
    'D1_ERROR: D1 DB storage operation exceeded timeout which caused object to be reset.',
    'D1_ERROR: Internal error while starting up D1 DB storage caused object to be reset.',
    'D1_ERROR: disk I/O error: SQLITE_IOERR',
    'D1_ERROR: database or disk is full: SQLITE_FULL',
  ])('%s is the database failing: 503', (message) => {
    expect(isDatabaseUnavailable(new Error(message))).toBe(true)
    expect(isDatabaseUnavailable(wrapped(message))).toBe(true)
    expect(dependencyFailure(wrapped(message))?.code).toBe('SERVICE_UNAVAILABLE')
  })

  it.each([
    'D1_ERROR: UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT',
    'D1_ERROR: near "selec": syntax error at offset 0: SQLITE_ERROR',
    'D1_ERROR: too many SQL variables at offset 412: SQLITE_ERROR',
    'D1_ERROR: Wrong number of parameter bindings for SQL query.',
    'D1_TYPE_ERROR: Type object is not supported for value [object Object]',
    'Too many API requests by single worker invocation.',
    'TypeError: Cannot read properties of undefined',
  ])('%s is our statement or code: a bug, 500', (message) => {
    expect(isDatabaseUnavailable(new Error(message))).toBe(false)
    expect(dependencyFailure(wrapped(message))).toBeNull()
  })

  it("drizzle's wrapper text never decides: values that look like an outage in a failed statement stay a bug", () => {
    const error = wrapped(
      'D1_ERROR: UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT',
      "insert into users values ('network connection lost')",
    )
    expect(isDatabaseUnavailable(error)).toBe(false)
  })
})
