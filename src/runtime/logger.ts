import { afterResponse } from './afterwards'

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const
type LogLevel = keyof typeof levels
type LogFields = Record<string, unknown>

export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

export const isLogLevel = (value: unknown): value is LogLevel => typeof value === 'string' && value in levels

/** One JSON object per line, below `level` dropped. `base` (the request id, say) goes on every line; work after the answer says so. */
export function createLogger(level: LogLevel, base: LogFields, write: (line: string) => void = console.log): Logger {
  const at =
    (lineLevel: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (levels[lineLevel] < levels[level]) return
      const after = afterResponse.getStore() ? { afterResponse: true } : {}
      write(JSON.stringify({ time: new Date().toISOString(), level: lineLevel, message, ...base, ...after, ...fields }))
    }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/**
 * An error as a log line may carry it: name, message, stack and cause, with a failed query's bound values cut out.
 * drizzle's DrizzleQueryError puts every parameter in its message (and so its stack): emails, password hashes, tokens.
 */
export function loggableError(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: String(error) }
  const query = 'query' in error && 'params' in error ? String(error.query) : undefined
  const message = query === undefined ? error.message : `Failed query: ${query} (parameters not logged)`
  const stack = query === undefined ? error.stack : error.stack?.replace(error.message, message)
  const cause = error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : undefined
  return { error: message, name: error.name, stack, ...(cause ? { cause } : {}) }
}
