import { drizzle } from 'drizzle-orm/d1'
import type { Context } from 'hono'
import type { TokenClaims, TokenService } from '../application/ports'
import type { AppEnv } from '../http/app-env'
import { apiKeySecrets } from '../infrastructure/api-key-secrets'
import { D1ApiKeyRepository } from '../infrastructure/d1/api-keys'
import { D1Credentials } from '../infrastructure/d1/credentials'
import { D1IdempotencyStore } from '../infrastructure/d1/idempotency-keys'
import { D1PostRepository } from '../infrastructure/d1/posts'
import { D1UserRepository } from '../infrastructure/d1/users'
import { D1Welcomes } from '../infrastructure/d1/welcomes'
import { D1EventLog } from '../infrastructure/d1/events'
import { D1WebhookDeliveryRepository } from '../infrastructure/d1/webhook-deliveries'
import { D1WebhookEndpointRepository } from '../infrastructure/d1/webhook-endpoints'
import { newWebhookSecret } from '../infrastructure/webhook-delivery'
import { cloudflareQueue } from '../infrastructure/webhook-queue'
import { logEmailService } from '../infrastructure/email'
import { bindingRateLimiter, unlimited } from '../infrastructure/rate-limiters'
import { idempotencySealer } from '../infrastructure/sealing'
import { jwtTokenService } from '../infrastructure/tokens'
import { runAfterResponse } from './afterwards'
import { type Config, requireConfig } from './config'
import { loggableError } from './logger'

// http/ hashes a few texts (list ETags, rate-limit keys); the encodings live once, in infrastructure/bytes.ts.
export { digestHex } from '../infrastructure/bytes'

const built = new WeakMap<Context<AppEnv>, ReturnType<typeof build>>()
const perIsolate = new WeakMap<Config, ReturnType<typeof buildServices>>()
const verified = new WeakMap<Context<AppEnv>, Map<string, Promise<TokenClaims | null>>>()

/** The composition root: the one place that picks adapters for the ports, from the validated bindings. Built once per request. */
export function requestDeps(c: Context<AppEnv>) {
  let found = built.get(c)
  if (!found) built.set(c, (found = build(c)))
  return found
}

// Bookmarks are opaque to us; this only keeps junk from reaching D1 (a bad one falls back to a fresh session).
const BOOKMARK = /^[\w.:=+/-]{1,1024}$/

/**
 * A D1 session per request (Sessions API): reads may go to a replica, but never one older than the client's
 * bookmark, so a client that sends back X-D1-Bookmark always sees its own writes. A request with credentials starts
 * at the primary, whatever its bookmark: its caller is read in the operation's own round trip, and a replica a moment
 * behind could let a token signed out (or a key revoked) a moment ago still read.
 */
function openSession(db: D1Database, bookmark: string | undefined, authenticated: boolean): D1DatabaseSession {
  if (authenticated) return db.withSession('first-primary')
  if (bookmark && BOOKMARK.test(bookmark)) {
    try {
      return db.withSession(bookmark)
    } catch {
      // An unknown or expired bookmark: the primary is always current.
      return db.withSession('first-primary')
    }
  }
  return db.withSession('first-unconstrained')
}

/** What needs no per-request state (rate limiters, the token service and its imported key): built once per isolate. */
export function isolateServices(c: Context<AppEnv>) {
  const config = requireConfig(c.env)
  let found = perIsolate.get(config)
  if (!found) perIsolate.set(config, (found = buildServices(config)))
  return found
}

function buildServices(config: Config) {
  return {
    limits:
      config.RATE_LIMITS === 'off'
        ? { general: unlimited, auth: unlimited }
        : { general: bindingRateLimiter(config.RATE_LIMITER), auth: bindingRateLimiter(config.AUTH_RATE_LIMITER) },
    tokens: jwtTokenService(config.JWT_SECRET) satisfies TokenService,
    sealer: idempotencySealer(config.JWT_SECRET),
    keySecrets: apiKeySecrets(config.JWT_SECRET),
  }
}

/** Verifies a bearer token at most once per request: the rate limiter and authentication both ask. */
export function verifyToken(c: Context<AppEnv>, token: string): Promise<TokenClaims | null> {
  let seen = verified.get(c)
  if (!seen) verified.set(c, (seen = new Map()))
  let subject = seen.get(token)
  if (!subject) seen.set(token, (subject = isolateServices(c).tokens.verify(token)))
  return subject
}

/** The request's dependencies if something used them (no D1 session is opened just to read a bookmark). */
export const usedRequestDeps = (c: Context<AppEnv>) => built.get(c)

function build(c: Context<AppEnv>) {
  const config = requireConfig(c.env)
  const session = openSession(config.DB, c.req.header('X-D1-Bookmark'), c.req.header('Authorization') !== undefined)
  // drizzle's D1 driver uses only prepare() and batch(), which a session has.
  const db = drizzle(session as unknown as D1Database)
  const logger = c.get('logger')
  const { tokens, keySecrets, sealer } = isolateServices(c)
  // The request's Idempotency-Key claim, read when a create runs (http/idempotency.ts sets it before the handler).
  const claim = () => c.get('claim')
  // The events this request's writes recorded in their own batches; queued after a successful answer (app.ts).
  const recorded: string[] = []
  const outbox = { recorded, record: (id: string) => void recorded.push(id) }
  return {
    session,
    outbox,
    queue: cloudflareQueue(config.WEBHOOK_QUEUE),
    endpoints: new D1WebhookEndpointRepository(db, sealer.seal, claim),
    deliveries: new D1WebhookDeliveryRepository(db, outbox),
    events: new D1EventLog(db),
    newSecret: newWebhookSecret,
    development: config.ENVIRONMENT === 'development',
    users: new D1UserRepository(db, claim, outbox),
    credentials: new D1Credentials(db),
    apiKeys: new D1ApiKeyRepository(db, claim, sealer.seal),
    keySecrets,
    posts: new D1PostRepository(db, claim, outbox),
    welcomes: new D1Welcomes(db),
    idempotency: new D1IdempotencyStore(db),
    tokens: { issue: tokens.issue, verify: (token: string) => verifyToken(c, token) } satisfies TokenService,
    email: logEmailService((message, fields) => logger.info(message, fields)),
    background: (work: () => Promise<unknown>) => runAfterResponse(c.executionCtx, work),
    onEmailError: (error: unknown) => logger.error('email.failed', loggableError(error)),
    /** Work after the answer that failed: logged (parameters of a failed query are never logged). */
    onBackgroundError: (event: string, error: unknown) => logger.error(event, loggableError(error)),
  }
}
