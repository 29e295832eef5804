import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ZodError } from 'zod'
import type { ErrorCodeValue } from '../contract/errors/catalogue'
import { operations } from '../contract/operations'
import { DomainError, InvalidField } from '../domain/errors'
import type { AppEnv } from './app-env'
import { sendError } from './envelope'
import { ConfigError } from '../runtime/config'
import { dependencyFailure } from '../runtime/failures'
import { loggableError } from '../runtime/logger'

const where = { json: 'body', query: 'query', param: 'path', header: 'header' } as const
// What a problem with the whole input, and an unknown key, are called in each place.
const whole = { body: 'The body', query: 'The query', path: 'The path', header: 'The headers' } as const
const unknown = { body: 'field', query: 'query parameter', path: 'path parameter', header: 'header' } as const
const MAX_DETAILS = 20

/**
 * Every request-validation failure, whatever its target, becomes 400 VALIDATION_ERROR with one detail per problem, its
 * message the field's name and the rule it broke, in our words (contract/common/messages.ts).
 */
export function validationHook(result: { target: string; success: boolean; error?: ZodError }, c: Context<AppEnv>) {
  if (result.success || !result.error) return
  const location = where[result.target as keyof typeof where] ?? 'body'
  // A value of the wrong type has broken only that rule: zod may still measure it against the others (a string's length
  // against an array's maximum), which would name rules it does not have.
  const mistyped = new Set(result.error.issues.filter((issue) => issue.code === 'invalid_type').map((issue) => issue.path.join('.')))
  const issues = result.error.issues.filter((issue) => issue.code === 'invalid_type' || !mistyped.has(issue.path.join('.')))
  const details = issues.flatMap((issue) => {
    const field = issue.path.join('.')
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const name = field ? `${field}.${key}` : key
        return { field: name, message: `${name} is not a ${unknown[location]} of this operation`, in: location }
      })
    }
    return [{ field, message: `${field || whole[location]} ${issue.message}`, in: location }]
  })
  // Bounded: 7,000 unknown keys make one answer of 20 details and a count, not a 400 KB list.
  return sendError(c, 'VALIDATION_ERROR', 'The request is invalid', details.slice(0, MAX_DETAILS), details.length - MAX_DETAILS)
}

// Errors hono raises before a handler runs, by status.
const httpExceptionCodes: Record<number, [ErrorCodeValue, string]> = {
  400: ['INVALID_JSON', 'The request body is not valid JSON'],
  401: ['UNAUTHORIZED', 'Authentication required'],
  413: ['PAYLOAD_TOO_LARGE', 'The request body is too large'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json'],
}

export function onError(thrown: Error, c: Context<AppEnv>) {
  const failure = dependencyFailure(thrown)
  if (failure) c.get('logger').error('dependency.failed', loggableError(thrown))
  const error = failure ?? thrown
  if (error instanceof InvalidField) {
    return sendError(c, 'VALIDATION_ERROR', 'The request is invalid', [{ field: error.field, message: error.message, in: 'body' }])
  }
  if (error instanceof DomainError) {
    if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds))
    return sendError(c, error.code, error.message)
  }
  if (error instanceof HTTPException && httpExceptionCodes[error.status]) {
    const [code, message] = httpExceptionCodes[error.status]!
    return sendError(c, code, message)
  }
  if (error instanceof ConfigError) {
    c.get('logger').error('config.invalid', { problems: error.problems })
    c.header('Retry-After', '60')
    return sendError(c, 'SERVICE_UNAVAILABLE', 'The service is not configured correctly')
  }
  c.get('logger').error('request.failed', loggableError(error))
  return sendError(c, 'INTERNAL_ERROR', 'An unexpected error occurred; quote the requestId when reporting it')
}

// Path templates of every served operation, for telling 405 from 404.
const extraRoutes = [
  { method: 'get', path: '/openapi.json' },
  { method: 'get', path: '/docs' },
  { method: 'get', path: '/assets/collection.json' },
]
let known: { pattern: RegExp; methods: string[] }[] | undefined
function knownPaths() {
  if (known) return known
  const byPath = new Map<string, string[]>()
  for (const { method, path } of [...Object.values(operations), ...extraRoutes])
    byPath.set(path, [...(byPath.get(path) ?? []), method.toUpperCase()])
  known = [...byPath].map(([path, methods]) => ({
    pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    methods: methods.includes('GET') ? [...methods, 'HEAD'] : methods,
  }))
  return known
}

export function notFound(c: Context<AppEnv>) {
  const match = knownPaths().find(({ pattern }) => pattern.test(c.req.path))
  if (!match) return sendError(c, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`)
  const method = c.req.method === 'HEAD' ? 'GET' : c.req.method
  // Only a trailing slash stood between this request and its route: that is not a wrong method.
  if (match.methods.includes(method))
    return sendError(c, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}; the path has no trailing slash`)
  const allow = [...match.methods, 'OPTIONS'].join(', ')
  c.header('Allow', allow)
  if (c.req.method === 'OPTIONS') return c.body(null, 204)
  return sendError(c, 'METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here; allowed: ${allow}`)
}
