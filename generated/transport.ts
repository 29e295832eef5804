// The fetch every request of a client goes through, raw (GET, POST, ...) and throwing (get, post, ...) alike: it adds the
// bearer token, an Idempotency-Key per logical POST, the read-your-writes bookmark, retries what is safe to retry, and
// reports Deprecation/Sunset headers.
import { NetworkError, parseRetryAfter } from './errors.js'

/** A bearer token, or a function that returns the current one (called before every attempt, so it may refresh). */
export type TokenProvider = () => string | null | undefined | Promise<string | null | undefined>

export interface RetryOptions {
  /** Attempts in all, the first included (default 3). 1 turns retrying off. */
  maxAttempts?: number
  /** The backoff before retry n is a random wait in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))) (default 250 ms). */
  baseDelayMs?: number
  /**
   * The longest single wait (default 10 000 ms). A `Retry-After` longer than this is not waited for: the answer
   * (429, 503, 409) is handed back at once, with `retryAfterMs` on the ApiError.
   */
  maxDelayMs?: number
  /** Called before each wait, e.g. to log it. */
  onRetry?: (event: RetryEvent) => void
}

export interface RetryEvent {
  method: string
  url: string
  /** The attempt that failed (1 for the first). */
  attempt: number
  /** How long the client now waits before the next attempt. */
  delayMs: number
  /** The status that is retried, when the server answered. */
  status?: number
  /** The network error that is retried, when it did not. */
  error?: unknown
}

export interface DeprecationNotice {
  method: string
  url: string
  /** When the operation was (or will be) deprecated (RFC 9745 `Deprecation: @<epoch seconds>`); `true` when undated. */
  deprecation: Date | true | undefined
  /** When it stops working (RFC 8594 `Sunset`). */
  sunset: Date | undefined
  /** The `Link` with rel="deprecation" or rel="sunset": where the replacement is documented. */
  link: string | undefined
  response: Response
}

export interface TransportOptions {
  fetch: (request: Request) => Promise<Response>
  token: string | TokenProvider | undefined
  retry: RetryOptions | false | undefined
  idempotencyKeys: boolean
  session: { bookmark: string | undefined } | undefined
  onDeprecated: ((notice: DeprecationNotice) => void) | undefined
  random?: () => number
}

const DEFAULT_RETRY = { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 10_000 }

/** Full jitter: a uniformly random wait in [0, min(maxDelayMs, baseDelayMs * 2^(attempt-1))). */
export function backoffDelay(
  attempt: number,
  { baseDelayMs = DEFAULT_RETRY.baseDelayMs, maxDelayMs = DEFAULT_RETRY.maxDelayMs }: RetryOptions = {},
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return Math.floor(random() * ceiling)
}

/**
 * Whether a request may be sent again without risking a second effect: reads always, a POST only with an
 * Idempotency-Key (the server replays the first result), PUT/PATCH/DELETE only with an If-Match that names entity
 * tags (a second one fails with 412 instead of overwriting). `If-Match: *` is an unconditional write: not safe.
 */
export function isRetrySafe(method: string, headers: Headers): boolean {
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
      return true
    case 'POST':
      return headers.has('Idempotency-Key')
    case 'PUT':
    case 'PATCH':
    case 'DELETE':
      return isEntityTagMatch(headers.get('If-Match'))
    default:
      return false
  }
}

/** An If-Match that names entity tags: present, not blank, not `*` (which any current version matches). */
function isEntityTagMatch(value: string | null): boolean {
  const text = value?.trim() ?? ''
  return text !== '' && text !== '*'
}

/** Statuses worth another attempt: 429 and 503 always, 409 only with Retry-After (an Idempotency-Key still in flight). */
function retriableStatus(response: Response, headers: Headers): boolean {
  if (response.status === 429 || response.status === 503) return true
  return response.status === 409 && headers.has('Idempotency-Key') && response.headers.has('Retry-After')
}

/** fetch rejects with a TypeError when the network fails; an abort (the caller's signal) is never retried. */
const isNetworkError = (error: unknown): boolean => error instanceof TypeError

/**
 * In a browser, a cross-origin request that failed the way a network failure does may have been refused by CORS: the
 * API answered, the browser would not show the page the answer. A `no-cors` request to the API's origin tells them
 * apart: it gets an (opaque) answer when the API is reachable, and fails too when the network does. Returns the page's
 * origin when CORS refused the request, undefined otherwise (and outside browsers, where there is no CORS).
 */
async function corsRefusal(request: Request, fetch: (request: Request) => Promise<Response>): Promise<string | undefined> {
  const page = globalThis as { document?: unknown; location?: { origin?: string } }
  const origin = page.location?.origin
  const target = new URL(request.url).origin
  if (page.document === undefined || !origin || origin === 'null' || origin === target) return undefined
  try {
    // (RequestInit as the Workers types have it lacks `mode`; every browser's has it.)
    const init = { method: 'GET', mode: 'no-cors', cache: 'no-store', credentials: 'omit' } as RequestInit
    const probe = await fetch(new Request(`${target}/`, init))
    probe.body?.cancel().catch(() => undefined)
    return origin
  } catch {
    return undefined
  }
}

/** A v4 UUID; crypto.randomUUID where it exists (it is missing on insecure origins in browsers). */
export function randomUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * D1 bookmarks are fixed-width hex groups that sort in commit order; keep the newer of two, so a slow read that
 * finishes after a write cannot move the session back. Anything else: the latest received wins.
 */
export function newerBookmark(current: string | undefined, received: string): string {
  if (current === undefined || current.length !== received.length) return received
  return received > current ? received : current
}

function sleep(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** RFC 9745 `Deprecation` (`@<seconds>`), the older `true` and HTTP-date forms too. */
function parseDeprecation(value: string | null): Date | true | undefined {
  if (value === null) return undefined
  const text = value.trim()
  const epoch = /^@(-?\d+)$/.exec(text)?.[1]
  if (epoch !== undefined) return new Date(Number(epoch) * 1000)
  const date = Date.parse(text)
  return Number.isNaN(date) ? true : new Date(date)
}

function linkWithRel(value: string | null, rels: string[]): string | undefined {
  for (const part of value?.split(/,(?=\s*<)/) ?? []) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part)
    const rel = match?.[2] && /;\s*rel="?([^";]+)"?/i.exec(match[2])?.[1]
    if (match && rel && rel.split(/\s+/).some((name) => rels.includes(name.toLowerCase()))) return match[1]
  }
  return undefined
}

export function deprecationOf(method: string, url: string, response: Response): DeprecationNotice | undefined {
  const deprecation = parseDeprecation(response.headers.get('Deprecation'))
  const sunsetAt = Date.parse(response.headers.get('Sunset') ?? '')
  const sunset = Number.isNaN(sunsetAt) ? undefined : new Date(sunsetAt)
  if (deprecation === undefined && sunset === undefined) return undefined
  const link = linkWithRel(response.headers.get('Link'), ['deprecation', 'sunset'])
  return { method, url, deprecation, sunset, link, response }
}

export function createTransport(options: TransportOptions): (request: Request) => Promise<Response> {
  const retry = options.retry === false ? { ...DEFAULT_RETRY, maxAttempts: 1 } : { ...DEFAULT_RETRY, ...options.retry }
  const random = options.random ?? Math.random

  const bearer = async (): Promise<string | undefined> => {
    const token = typeof options.token === 'function' ? await options.token() : options.token
    return token || undefined
  }

  return async (request) => {
    const headers = new Headers(request.headers)
    // One key per logical POST, made before the first attempt so every retry of this call sends the same one.
    if (options.idempotencyKeys && request.method === 'POST' && !headers.has('Idempotency-Key')) {
      headers.set('Idempotency-Key', randomUuid())
    }
    const safe = isRetrySafe(request.method, headers)
    const maxAttempts = safe ? Math.max(1, retry.maxAttempts) : 1

    for (let attempt = 1; ; attempt++) {
      const attemptHeaders = new Headers(headers)
      if (!attemptHeaders.has('Authorization')) {
        const token = await bearer()
        if (token) attemptHeaders.set('Authorization', `Bearer ${token}`)
      }
      const bookmark = options.session?.bookmark
      if (bookmark && !attemptHeaders.has('X-D1-Bookmark')) attemptHeaders.set('X-D1-Bookmark', bookmark)
      // A clone per attempt: a body can be read once, and the last attempt may not be the first.
      const sent = new Request(request.clone(), { headers: attemptHeaders })

      let response: Response
      try {
        response = await options.fetch(sent)
      } catch (error) {
        if (!isNetworkError(error) || request.signal?.aborted) throw error
        // A CORS refusal is the same on every attempt: said at once, not retried.
        const refusedFor = await corsRefusal(request, options.fetch)
        if (refusedFor) throw new NetworkError(request.url, error, 'cors', refusedFor)
        if (attempt >= maxAttempts) throw new NetworkError(request.url, error, 'network')
        const delayMs = backoffDelay(attempt, retry, random)
        retry.onRetry?.({ method: request.method, url: request.url, attempt, delayMs, error })
        await sleep(delayMs, request.signal)
        continue
      }

      const received = response.headers.get('X-D1-Bookmark')
      if (options.session && received) options.session.bookmark = newerBookmark(options.session.bookmark, received)

      if (attempt < maxAttempts && retriableStatus(response, headers)) {
        const asked = parseRetryAfter(response.headers.get('Retry-After'))
        const delayMs = asked ?? backoffDelay(attempt, retry, random)
        // Never sooner than the server asked; when that is longer than we may wait, hand the answer back instead.
        if (delayMs <= retry.maxDelayMs) {
          // Not awaited: the cancel of a teed body (a fetch wrapper that cloned the response) waits for the other branch.
          response.body?.cancel().catch(() => undefined)
          retry.onRetry?.({ method: request.method, url: request.url, attempt, delayMs, status: response.status })
          await sleep(delayMs, request.signal)
          continue
        }
      }

      if (options.onDeprecated) {
        const notice = deprecationOf(request.method, request.url, response)
        if (notice) options.onDeprecated(notice)
      }
      return response
    }
  }
}
