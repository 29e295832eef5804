import type { Context } from 'hono'
import { errorAnchor, statusOf, type ErrorCodeValue } from '../contract/errors/catalogue'
import type { ErrorResponseBody } from '../contract/errors/responses'
import type { Page } from '../domain/page'
import type { AppEnv } from './app-env'
import { publicOrigin } from './public-origin'

type ErrorDetail = NonNullable<ErrorResponseBody['error']['details']>[number]

const meta = (c: Context<AppEnv>) => ({ timestamp: new Date().toISOString(), requestId: c.get('requestId') })

export const dataBody = <T>(c: Context<AppEnv>, data: T) => ({ data, meta: meta(c) })

export const listBody = <T>(c: Context<AppEnv>, { items, page, pageSize, total, totalPages }: Page<T>, nextCursor: string | null) => ({
  data: items,
  meta: { ...meta(c), page, pageSize, total, totalPages, nextCursor },
})

function errorBody(c: Context<AppEnv>, code: ErrorCodeValue, message: string, details?: ErrorDetail[], omitted = 0): ErrorResponseBody {
  const docs = `${publicOrigin(c)}/docs#${errorAnchor(code)}`
  const listed = details ? { details, ...(omitted > 0 ? { omittedDetails: omitted } : {}) } : {}
  return { error: { code, message, ...listed, docs }, meta: meta(c) }
}

/**
 * The error envelope with the status that belongs to its code. Errors are never stored by caches. `omitted` counts
 * problems found beyond the `details` listed.
 */
export function sendError(c: Context<AppEnv>, code: ErrorCodeValue, message: string, details?: ErrorDetail[], omitted = 0) {
  c.header('Cache-Control', 'no-store')
  return c.json(errorBody(c, code, message, details, omitted), statusOf(code))
}
