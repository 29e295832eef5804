/** The error D1 itself threw: drizzle wraps it (in `cause`) with a message holding the SQL and its values. */
function innermost(error: unknown): unknown {
  let e = error
  for (let depth = 0; e instanceof Error && e.cause instanceof Error && depth < 5; depth++) e = e.cause
  return e
}

// How D1 says that it, not the statement, failed: the statement may or may not have been applied (a write can commit
// and its answer still be lost). Cloudflare's D1 docs list the first three as retryable; the rest are the storage's own
// failures (a busy, full or unreachable database). Anything else (a constraint, a syntax error, too many bound values,
// too many requests from one invocation) is our statement's fault: a bug, answered 500.
const SERVICE_ERROR =
  /network connection lost|storage caused object to be reset|reset because its code was updated|overloaded|timed out|timeout|internal error|SQLITE_(IOERR|FULL|BUSY|LOCKED|NOMEM|CANTOPEN)/i

/** The database failed or did not answer (a 503 for the client), as opposed to a statement that is wrong (a bug). */
export const isDatabaseUnavailable = (error: unknown) => {
  const cause = innermost(error)
  return cause instanceof Error && SERVICE_ERROR.test(cause.message)
}

/** D1 reports a constraint failure only in its message text (the innermost error: never drizzle's, which holds values). */
export const isUniqueViolation = (error: unknown) => {
  const cause = innermost(error)
  return cause instanceof Error && cause.message.includes('UNIQUE constraint failed')
}
