// D1 reports constraint failures only in the message text (through drizzle's wrapper, in `cause`).
function messages(error: unknown): string {
  const parts: string[] = []
  for (let e: unknown = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message)
  return parts.join(' | ')
}

export const isUniqueViolation = (error: unknown) => messages(error).includes('UNIQUE constraint failed')

// What the statement itself got wrong (our bug, or a constraint the caller is told about): never the service's fault.
const STATEMENT_ERROR =
  /SQLITE_(CONSTRAINT|ERROR|MISMATCH|RANGE|TOOBIG|AUTH)|constraint failed|syntax error|no such (table|column|function)|too many SQL variables|datatype mismatch|D1_TYPE_ERROR/i
// How D1 says that it, not the statement, failed: the statement may or may not have been applied (a write can commit
// and its answer still be lost). Cloudflare's D1 docs list these as the retryable errors.
const SERVICE_ERROR =
  /D1_|network connection lost|storage caused object to be reset|reset because its code was updated|overloaded|timed out/i

/** The database failed or did not answer (a 503 for the client), as opposed to a statement that is wrong (a bug). */
export const isDatabaseUnavailable = (error: unknown) => {
  const text = messages(error)
  return SERVICE_ERROR.test(text) && !STATEMENT_ERROR.test(text)
}
