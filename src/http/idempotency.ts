import type { Context } from 'hono'
import { accountLocked, conflict, DomainError, idempotencyKeyInUse } from '../domain/errors'
import { isolateServices, requestDeps } from '../runtime/composition'
import type { Guard } from '../application/ports'
import type { Claim, Outcome, StoredResponse } from '../application/idempotency'
import type { AppEnv } from './app-env'
import { dataBody } from './envelope'

const REPLAYED_HEADERS = ['location', 'etag', 'content-type', 'cache-control']

type Handler = (c: Context<AppEnv>) => Response | Promise<Response>

const field = (body: unknown, name: string) =>
  typeof body === 'object' && body !== null && name in body && typeof (body as Record<string, unknown>)[name] === 'string'
    ? ((body as Record<string, unknown>)[name] as string)
    : undefined

/**
 * Who a key belongs to: the signed-in caller, or (register and login, which have none yet) the credentials the body
 * presents: its email and password. Keyed, so two strangers' keys never meet: neither can replay, nor learn of, the
 * other's request. The password is part of it so that a reused key is no password oracle: someone who has another's
 * key and guesses a wrong password makes a new login attempt (limited, counted towards the lock, a 401), never a 422
 * that tells a wrong guess from a right one. (An HMAC, like the request's fingerprint, which holds the password too.)
 */
async function scopeOf(c: Context<AppEnv>): Promise<{ owner: string | Guard; account?: string }> {
  const access = c.get('access')
  if (access) return { owner: { access } }
  const body: unknown = await c.req.json().catch(() => undefined)
  const email = field(body, 'email')
  const subject =
    email === undefined
      ? `ip:${c.req.header('CF-Connecting-IP') ?? 'unknown'}`
      : `email:${email.toLowerCase()}\npassword:${field(body, 'password') ?? ''}`
  return { owner: `anonymous:${await isolateServices(c).sealer.fingerprint(subject)}`, ...(email === undefined ? {} : { account: email }) }
}

/**
 * Stripe's model for POST, around a handler (so it runs after validation: a request the document refuses is a 400
 * whatever its key): with an Idempotency-Key, the first 2xx response is kept for 24 hours, per caller, and replayed to
 * retries; the same key with another request is 422; a retry while the first still runs is 409 IDEMPOTENCY_KEY_IN_USE.
 * The in-flight claim is a short lease, so a request that never finishes (a crash, a cancelled invocation) frees its key
 * soon after.
 *
 * Exactly once, whatever fails: a create records what it made in its own transaction (the outcome; claims.ts), so a
 * retry after an answer that was lost (the database committed and then failed, or the Worker died before recording the
 * response) answers from that outcome (`recover`) instead of creating again. A failed attempt frees its key only while
 * no outcome was recorded: never after a creation that committed, whatever error was thrown after it.
 */
export function idempotently(handler: Handler, recover?: (c: Context<AppEnv>, outcome: Outcome) => Promise<Response | null>): Handler {
  return async (c) => {
    const key = c.req.header('Idempotency-Key')
    // The contract has validated it: absent, or 1 to 255 printable ASCII characters.
    if (!key) return handler(c)
    const { owner, account } = await scopeOf(c)
    const { idempotency, background, onBackgroundError } = requestDeps(c)
    const { sealer } = isolateServices(c)
    // An HMAC, not a plain hash: the body may hold a password, and a fast unkeyed hash of it would undo PBKDF2.
    const fingerprint = await sealer.fingerprint(`${c.req.method} ${c.req.path}\n${await c.req.text()}`)

    // A begin() that fails may still have claimed the key (D1 can commit and lose the answer): this attempt's claim,
    // which holds no outcome yet, is freed after the answer, so the client's retry is not held off for the lease.
    const attempt = crypto.randomUUID()
    const begun = await idempotency.begin(owner, key, fingerprint, attempt, account).catch((error: unknown) => {
      // A refused caller claimed nothing (its guard is in the claim's insert); only an unknown outcome needs freeing.
      if (error instanceof DomainError) throw error
      background(() =>
        idempotency
          .release({ scope: owner, key, attempt })
          .catch((cause: unknown) => onBackgroundError('idempotency.release_failed', cause)),
      )
      throw error
    })
    const { scope } = begun
    // A locked account's login is not evaluated, and neither is its replay: else, under the owner's key, the right
    // password would still get its 200 while every wrong one got 429.
    const now = Date.now()
    if (begun.state !== 'started' && begun.lockedUntil && begun.lockedUntil > now) throw accountLocked(begun.lockedUntil, now)
    if (begun.state === 'mismatch') {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with a different request; use a new key for a new request',
      )
    }
    if (begun.state === 'in-progress') throw idempotencyKeyInUse(begun.retryAfterSeconds)

    // Recorded after the answer (the client waits for nothing here): sealed, since a register or login response holds a
    // token. If recording fails, a create's outcome still answers retries; a login's claim is freed.
    const remember = (response: Response, claim?: Claim) => {
      const headers = Object.fromEntries(
        REPLAYED_HEADERS.flatMap((name) => (response.headers.has(name) ? [[name, response.headers.get(name)!]] : [])),
      )
      const body = response.clone().text()
      background(async () => {
        try {
          await idempotency.complete(claim ?? { scope, key }, { status: response.status, body: await sealer.seal(await body), headers })
        } catch (error) {
          onBackgroundError('idempotency.complete_failed', error)
          if (claim) await idempotency.release(claim).catch((cause: unknown) => onBackgroundError('idempotency.release_failed', cause))
        }
      })
    }

    if (begun.state === 'committed') {
      const recovered = recover ? await recover(c, begun.outcome) : null
      if (!recovered) {
        throw conflict(
          'The first request with this Idempotency-Key created a resource that has since been deleted; use a new key for a new request',
        )
      }
      remember(recovered)
      recovered.headers.set('Idempotent-Replayed', 'true')
      return recovered
    }
    if (begun.state === 'replay') return replay(c, begun.response)

    // The handler's creates carry the claim (composition.ts hands it to the repositories).
    const { claim } = begun
    c.set('claim', claim)
    // A refusal or a failure frees the key after the answer (the client waits for nothing more); until then, and if
    // freeing it fails, the claim's lease holds retries off with a 409.
    const release = () =>
      background(() => idempotency.release(claim).catch((error: unknown) => onBackgroundError('idempotency.release_failed', error)))
    let response: Response
    try {
      response = await handler(c)
    } catch (error) {
      release()
      throw error
    }
    if (response.status < 200 || response.status >= 300) {
      release()
      return response
    }
    remember(response, claim)
    return response
  }
}

/** The stored first response: its status, data and headers; this request's meta, so meta.requestId is X-Request-Id. */
async function replay(c: Context<AppEnv>, { status, body, headers }: StoredResponse) {
  const opened = await isolateServices(c).sealer.open(body)
  // Only a body sealed with another secret gets here (the fingerprint would already differ after a rotation).
  if (opened === null) throw new Error('A stored idempotent response could not be opened with this secret')
  // Only successes are stored, and every POST of the contract succeeds with 200 or 201.
  if (status !== 200 && status !== 201) throw new Error(`A stored idempotent response has status ${status}`)
  for (const [name, value] of Object.entries(headers)) c.header(name, value)
  c.header('Idempotent-Replayed', 'true')
  const { data } = JSON.parse(opened) as { data: unknown }
  return c.json(dataBody(c, data), status)
}
