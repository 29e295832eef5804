import type { RouteConfig } from '@hono/zod-openapi'
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { OperationId } from '../../contract/operations'
import type { AppEnv } from '../app-env'
import { requireAuth } from './authentication'
import type { Scope } from '../../domain/api-key'
import { sendError } from '../envelope'
import { conditionalGet } from '../etags'
import { idempotently } from '../idempotency'
import { recoveries } from '../recoveries'

const MAX_BODY_BYTES = 64 * 1024

// Only where the contract reads a body (and so documents 413): elsewhere a body is not read, and so not refused.
const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => sendError(c, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES} bytes`),
})

// RFC 9110 lets white space stand before a `;` and a parameter be empty (`application/json ; charset=utf-8`,
// `application/json;`); the validators' media-type check does not, so such a header is put in its plain form first.
const plainMediaType: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = c.req.header('Content-Type')
  if (type && /\s;|;\s*(;|$)/.test(type)) {
    const headers = new Headers(c.req.raw.headers)
    const parts = type.split(';').map((part) => part.trim())
    headers.set('Content-Type', parts.filter(Boolean).join('; '))
    c.req.raw = new Request(c.req.raw, { headers })
  }
  await next()
}

// JSON text is UTF-8 (RFC 8259): a JSON body with bytes that are not is refused, not read with U+FFFD in their place,
// so what is stored is exactly what was sent. Checked after authentication (a bad credential is a 401 first, as for any
// invalid request) and only for a JSON media type: anything else is the validators' 415.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i
const wellFormedBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const mediaType = (c.req.header('Content-Type') ?? '').split(';')[0]!.trim()
  if (c.req.raw.body && JSON_MEDIA_TYPE.test(mediaType)) {
    try {
      utf8.decode(await c.req.arrayBuffer())
    } catch {
      return sendError(c, 'INVALID_JSON', 'The request body is not valid UTF-8, as JSON text must be')
    }
  }
  await next()
}

// RFC 6585: a versioned write that says no version is 428, not an unconditional write. An empty If-Match counts as
// none (proxies may drop it); a malformed one is the validators' 400.
const conditionalWrite: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.req.header('If-Match')?.trim())
    return sendError(c, 'PRECONDITION_REQUIRED', 'Send If-Match: the ETag you read (GET the resource for it), or * for any version')
  await next()
}

/** RFC 9745 and RFC 8594 headers on a deprecated operation's successful answers; the dates are its contract's. */
function announceDeprecation(route: RouteConfig): MiddlewareHandler<AppEnv> {
  const since = Math.floor(Date.parse(String(route['x-deprecated-since'])) / 1000)
  const sunset = new Date(String(route['x-sunset'])).toUTCString()
  return async (c, next) => {
    await next()
    if (c.res.status >= 400) return
    c.res.headers.set('Deprecation', `@${since}`)
    c.res.headers.set('Sunset', sunset)
    c.res.headers.set('Link', '</docs>; rel="deprecation"')
  }
}

const takesHeader = (route: RouteConfig, name: string) => {
  const headers = route.request?.headers
  return headers !== undefined && 'shape' in headers && name in headers.shape
}

/**
 * The middleware an operation runs before its handler, read from its contract so the two cannot drift apart:
 * `deprecated` -> Deprecation and Sunset headers; a request body -> a plain media type and the 64 KiB limit; `security`
 * -> authentication; a request body -> well-formed UTF-8 (after authentication); an If-Match header -> 428 without one; a 304 response -> If-None-Match. (An
 * `Idempotency-Key` header wraps the handler instead, after validation: see handlerFor.)
 */
export function middlewareFor(route: RouteConfig): MiddlewareHandler<AppEnv>[] {
  const chain: MiddlewareHandler<AppEnv>[] = []
  if (route.deprecated) chain.push(announceDeprecation(route))
  if (route.request?.body) chain.push(plainMediaType, limitBody)
  const requirement = route.security?.find((option) => Object.keys(option).length > 0)
  if (requirement) chain.push(requireAuth((requirement.bearerAuth ?? []) as Scope[]))
  if (route.request?.body) chain.push(wellFormedBody)
  if (takesHeader(route, 'If-Match')) chain.push(conditionalWrite)
  if (route.responses[304]) chain.push(conditionalGet)
  return chain
}

/** The handler as the app binds it: wrapped for replays when the operation takes an Idempotency-Key. */
export function handlerFor<H extends (c: Context<AppEnv>) => Response | Promise<Response>>(route: RouteConfig, handler: H) {
  return takesHeader(route, 'Idempotency-Key') ? idempotently(handler, recoveries[route.operationId as OperationId]) : handler
}
