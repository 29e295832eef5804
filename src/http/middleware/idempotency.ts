import { createMiddleware } from 'hono/factory'
import { IdempotencyKey } from '../../contract/common/headers'
import { DomainError } from '../../domain/errors'
import type { AppEnv } from '../app-env'
import { isolateServices, requestDeps } from '../../runtime/composition'
import { sendError } from '../envelope'

const REPLAYED_HEADERS = ['location', 'etag', 'content-type', 'cache-control']

/**
 * Stripe's model for POST: with an Idempotency-Key, the first 2xx response is stored for 24 hours (per caller)
 * and replayed for retries; the same key with another body is 422; a retry while the first is running is 409.
 * Runs after authentication (the caller is the scope) and before validation.
 */
export const idempotent = createMiddleware<AppEnv>(async (c, next) => {
  const parsed = IdempotencyKey.safeParse(c.req.header('Idempotency-Key'))
  // Absent: nothing to do. Malformed: the contract's header validation answers 400 after this.
  if (!parsed.success || parsed.data === undefined) return next()
  const key = parsed.data
  const scope = c.get('user')?.id ?? 'anonymous'
  const { idempotency } = requestDeps(c)
  const { sealer } = isolateServices(c)
  // An HMAC, not a plain hash: the body may hold a password, and a fast unkeyed hash of it would undo PBKDF2.
  const fingerprint = await sealer.fingerprint(`${c.req.method} ${c.req.path}\n${await c.req.text()}`)

  const begun = await idempotency.begin(scope, key, fingerprint)
  if (begun.state === 'mismatch') {
    return sendError(c, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request; use a new key for a new request')
  }
  if (begun.state === 'in-progress') {
    c.header('Retry-After', '1')
    throw new DomainError('CONFLICT', 'A request with this Idempotency-Key is still being processed; retry shortly')
  }
  if (begun.state === 'replay') {
    const { status, body, headers } = begun.response
    const opened = await sealer.open(body)
    // Only a body sealed with another secret gets here (the fingerprint would already differ after a rotation).
    if (opened === null) throw new Error('A stored idempotent response could not be opened with this secret')
    // Only successes are stored, and every POST of the contract succeeds with 200 or 201.
    if (status !== 200 && status !== 201) throw new Error(`A stored idempotent response has status ${status}`)
    for (const [name, value] of Object.entries(headers)) c.header(name, value)
    c.header('Idempotent-Replayed', 'true')
    return c.body(opened, status)
  }

  try {
    await next()
  } catch (error) {
    await idempotency.release(scope, key)
    throw error
  }
  if (c.res.status >= 200 && c.res.status < 300) {
    const headers = Object.fromEntries(
      REPLAYED_HEADERS.flatMap((name) => (c.res.headers.has(name) ? [[name, c.res.headers.get(name)!]] : [])),
    )
    // Sealed: a register or login response holds a token, which must not sit readable in the database.
    await idempotency.complete(scope, key, { status: c.res.status, body: await sealer.seal(await c.res.clone().text()), headers })
  } else {
    await idempotency.release(scope, key)
  }
})
