import { z, type RouteConfig } from '@hono/zod-openapi'

/** What a deprecated operation's successful answers carry (RFC 9745, RFC 8594), as the document declares them. */
const deprecationHeaders = {
  Deprecation: z.string().max(32).openapi({
    description: 'RFC 9745: this operation is deprecated, since the time given (`@` and seconds since 1970).',
    example: '@1796083200',
  }),
  Sunset: z.string().max(40).openapi({
    description: 'RFC 8594: when this operation stops working (an HTTP date); move off it before then.',
    example: 'Sun, 30 May 2027 00:00:00 GMT',
  }),
  Link: z
    .string()
    .max(256)
    .openapi({ description: 'Where the deprecation is explained (rel="deprecation").', example: '</docs>; rel="deprecation"' }),
}

/** When an operation was deprecated and when it goes away: ISO dates, at least 90 days apart (docs/versioning.md). */
interface Deprecation {
  since: string
  sunset: string
}

/**
 * Marks an operation deprecated: `deprecated: true` in the document, the dates as `x-deprecated-since` and `x-sunset`,
 * and Deprecation, Sunset and Link headers on every successful answer (which http/middleware/per-operation.ts sends).
 */
export function deprecated<R extends RouteConfig>(route: R, { since, sunset }: Deprecation): R {
  if (Date.parse(sunset) - Date.parse(since) < 90 * 24 * 60 * 60 * 1000)
    throw new Error(`${route.path}: a sunset comes at least 90 days after the deprecation`)
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => {
      if (!/^[23]/.test(status) || '$ref' in response) return [status, response]
      const headers = response.headers instanceof z.ZodObject ? response.headers.extend(deprecationHeaders) : z.object(deprecationHeaders)
      return [status, { ...response, headers }]
    }),
  )
  return { ...route, deprecated: true, 'x-deprecated-since': since, 'x-sunset': sunset, responses }
}
