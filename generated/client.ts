// The typed client: openapi-fetch over the generated paths, plus throwing helpers that do the hard parts (errors as
// ApiError, pagination, idempotency keys, retries, ETags, read-your-writes). Tests, the smoke script and integrators use it.
import createClient, { mergeHeaders, type Client, type ClientOptions, type HeadersOptions, type MaybeOptionalInit } from 'openapi-fetch'
import { ApiError, parseRetryAfter, UNEXPECTED_RESPONSE } from './errors.js'
import type { components, paths } from './schema.js'
import { createTransport, type DeprecationNotice, type RetryOptions, type TokenProvider } from './transport.js'

export type { components, operations, paths } from './schema.js'
export { ApiError, isApiError, NetworkError, parseRetryAfter, NETWORK_ERROR, NOT_MODIFIED, UNEXPECTED_RESPONSE } from './errors.js'
export type { ErrorCode, ErrorDetail, KnownErrorCode } from './errors.js'
export { backoffDelay, isRetrySafe } from './transport.js'
export { verifyWebhook, WebhookVerificationError } from './webhooks.js'
export type { VerifyOptions, WebhookEvent } from './webhooks.js'
export type { DeprecationNotice, RetryEvent, RetryOptions, TokenProvider } from './transport.js'
export type Schemas = components['schemas']

export interface ApiClientOptions {
  /** Where the API lives, e.g. http://127.0.0.1:8787 */
  baseUrl: string
  /**
   * Sent as `Authorization: Bearer <token>` on every request: a token, or a (possibly async) function called before
   * every attempt, so it can hand out a refreshed one. A request that sets Authorization itself keeps its own.
   */
  token?: string | TokenProvider | undefined
  /** A fetch to use instead of the global one (tests pass the Worker's own). */
  fetch?: ClientOptions['fetch'] | undefined
  /**
   * Retries of 429, 503, network errors and a 409 for an Idempotency-Key still in flight, with exponential backoff
   * and full jitter, never sooner than `Retry-After`; only for requests that are safe to repeat (GET/HEAD, POST with
   * an Idempotency-Key, PUT/PATCH/DELETE with If-Match naming an ETag, not `*`). `false` turns them off.
   */
  retry?: RetryOptions | false | undefined
  /** A fresh Idempotency-Key (UUID) on every POST that has none, reused by its retries (default true). */
  idempotencyKeys?: boolean | undefined
  /**
   * Read your own writes: send the newest `X-D1-Bookmark` this client received on every later request, so reads
   * that a database replica serves still see this client's writes (default false). `{ bookmark }` starts from one
   * that another client handed over (its `api.bookmark`).
   */
  readYourWrites?: boolean | { bookmark?: string | undefined } | undefined
  /** Called for every response that carries `Deprecation` or `Sunset` (RFC 9745, RFC 8594). */
  onDeprecated?: ((notice: DeprecationNotice) => void) | undefined
}

// ---------------------------------------------------------------------------------------------------------------------
// Types derived from the contract.

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch'
/** The paths that have an operation for `M`. */
export type PathsWith<M extends Method> = { [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never }[keyof paths]
type OperationOf<P extends keyof paths, M extends Method> = paths[P] extends { [K in M]: infer O } ? O : never
type ResponsesOf<O> = O extends { responses: infer R } ? R : never
type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 205 | 206
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : undefined
type HeadersOf<R> = R extends { headers: infer H } ? H : object

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T]
type LiteralKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] }
/** Whether the contract declares response header `N` as always present. */
type Declares<H, N extends string> = N extends LiteralKeys<H> ? (object extends Pick<H, N> ? false : true) : false

/** The response headers a client acts on, read from any response (see `responseHeaders`). */
export interface ResponseHeaders {
  /** `X-Request-Id`: quote it when you report a problem. */
  requestId: string | undefined
  /** `ETag`: send it back as If-Match (writes) or If-None-Match (reads). */
  etag: string | undefined
  /** `Location` of what a POST created. */
  location: string | undefined
  /** `Idempotent-Replayed: true`: this POST's Idempotency-Key had been used, and this is the first call's answer. */
  idempotentReplayed: boolean
  /** `X-D1-Bookmark` (see the readYourWrites option). */
  bookmark: string | undefined
  /** `Retry-After`, in milliseconds. */
  retryAfterMs: number | undefined
}

/** ResponseHeaders with the headers the contract always sends for this response typed as present. */
export type TypedHeaders<H> = ResponseHeaders &
  (Declares<H, 'X-Request-Id'> extends true ? { requestId: string } : unknown) &
  (Declares<H, 'ETag'> extends true ? { etag: string } : unknown) &
  (Declares<H, 'Location'> extends true ? { location: string } : unknown)

/** A success: `body` is the parsed JSON (`{ data, meta }`), undefined for 204 No Content. */
export interface Success<Status extends number, Body, Headers> {
  status: Status
  notModified: false
  body: Body
  headers: Headers
  response: Response
}

/** 304 Not Modified: what you hold (with the ETag you sent) is still current. There is no body. */
export interface NotModified<Headers> {
  status: 304
  notModified: true
  body: undefined
  headers: Headers
  response: Response
}

type SuccessOf<O> = {
  [S in keyof ResponsesOf<O> & SuccessStatus]: Success<S, JsonOf<ResponsesOf<O>[S]>, TypedHeaders<HeadersOf<ResponsesOf<O>[S]>>>
}[keyof ResponsesOf<O> & SuccessStatus]
type NotModifiedOf<O> = 304 extends keyof ResponsesOf<O> ? NotModified<TypedHeaders<HeadersOf<ResponsesOf<O>[304]>>> : never

/** What `api.<method>(path)` resolves to. */
export type Result<P extends keyof paths, M extends Method> = SuccessOf<OperationOf<P, M>>
/** The success body of an operation: `Body<'/api/posts/{id}', 'get'>` is `{ data: Post, meta }`. */
export type Body<P extends keyof paths, M extends Method> = Result<P, M>['body']
/**
 * The error codes an operation can send, as its contract lists them: `ErrorCodeOf<'/api/posts/{id}', 'get'>` is
 * `'VALIDATION_ERROR' | 'NOT_FOUND' | 'RATE_LIMITED' | …`. A newer server may add codes: keep a default branch.
 */
export type ErrorCodeOf<P extends keyof paths, M extends Method> = {
  [S in keyof ResponsesOf<OperationOf<P, M>>]: JsonOf<ResponsesOf<OperationOf<P, M>>[S]> extends { error: { code: infer C } } ? C : never
}[keyof ResponsesOf<OperationOf<P, M>>]

/**
 * A previous result (its ETag), or the ETag itself. As `ifMatch`, the string `'*'` is also accepted: "whatever the
 * current version is" (see `RequiredWriteOptions`).
 */
export type EtagSource = string | { headers: { etag?: string | undefined } }

type RawInit<P extends keyof paths, M extends Method> = Exclude<MaybeOptionalInit<paths[P], M>, undefined>
/** The init argument is optional exactly when nothing in it is required (no path parameter, no body). */
type Args<I> = [RequiredKeys<I>] extends [never] ? [init?: I] : [init: I]

type HeaderParamsOf<O> = O extends { parameters: { header?: infer H } } ? NonNullable<H> : never
/** Whether operation `O` declares request header `N` as required (`parameters.header[N]` not optional). */
type RequiresHeader<O, N extends string> = [HeaderParamsOf<O>] extends [never]
  ? false
  : N extends RequiredKeys<HeaderParamsOf<O>>
    ? true
    : false
/** Whether `api.<method>(path)` must be given `ifMatch`: the contract requires If-Match on that operation. */
export type RequiresIfMatch<P extends keyof paths, M extends Method> = RequiresHeader<OperationOf<P, M>, 'If-Match'>

type Simplify<T> = { [K in keyof T]: T[K] } & {}
/** `parameters.header` without If-Match, optional when nothing else in it is required. */
type HeaderWithoutIfMatch<H> =
  Simplify<Omit<H, 'If-Match'>> extends infer Rest ? ([RequiredKeys<Rest>] extends [never] ? { header?: Rest } : { header: Rest }) : never
/** The operation with If-Match taken out of its header parameters: the helpers send it from `ifMatch`. */
type WithoutIfMatch<O> = O extends { parameters: infer Params }
  ? 'If-Match' extends keyof HeaderParamsOf<O>
    ? Simplify<Omit<O, 'parameters'> & { parameters: Simplify<Omit<Params, 'header'> & HeaderWithoutIfMatch<HeaderParamsOf<O>>> }>
    : O
  : O
/** What a throwing write takes: the raw init less `params.header['If-Match']`, plus `ifMatch` (required when If-Match is). */
type WriteInit<P extends keyof paths, M extends 'put' | 'patch' | 'delete'> = Exclude<
  MaybeOptionalInit<{ [K in M]: WithoutIfMatch<OperationOf<P, M>> }, M>,
  undefined
> &
  (RequiresIfMatch<P, M> extends true ? RequiredWriteOptions : WriteOptions)

export interface GetOptions {
  /** Send If-None-Match: the result is then `NotModified` (304) when the resource still has this ETag. */
  ifNoneMatch: EtagSource | undefined
}
export interface PostOptions {
  /** The Idempotency-Key of this logical request; by default a fresh UUID, reused by this call's retries. */
  idempotencyKey?: string | undefined
}
/** For the PUT, PATCH and DELETE operations whose contract requires If-Match. */
export interface RequiredWriteOptions {
  /**
   * Sent as If-Match: the ETag you read (a previous result, or the ETag string). If the resource changed since, the
   * write fails with 412 PRECONDITION_FAILED and nothing changes; such a write is retried when it is safe to.
   * `'*'` writes whatever the current version is: an explicit, unconditional write, never retried automatically.
   */
  ifMatch: EtagSource | '*'
}
/** For the writes whose operation does not require If-Match. */
export interface WriteOptions {
  /** Sent as If-Match when given (see `RequiredWriteOptions`). */
  ifMatch?: EtagSource | '*' | undefined
}

/** Paths of list operations: the GETs whose 200 body has `meta.nextCursor`. */
export type ListPath = {
  [P in PathsWith<'get'>]: Body<P, 'get'> extends { data: unknown[]; meta: { nextCursor: string | null } } ? P : never
}[PathsWith<'get'>]
/** One item of a list operation. */
export type ItemOf<P extends ListPath> = Body<P, 'get'> extends { data: Array<infer T> } ? T : never

export interface ApiHelpers {
  /**
   * GET; resolves to the success, rejects with ApiError otherwise. With `ifNoneMatch`, a 304 resolves to
   * `{ notModified: true }` instead (check it before reading `body`).
   */
  get<P extends PathsWith<'get'>>(
    path: P,
    init: RawInit<P, 'get'> & GetOptions,
  ): Promise<Result<P, 'get'> | NotModifiedOf<OperationOf<P, 'get'>>>
  get<P extends PathsWith<'get'>>(path: P, ...init: Args<RawInit<P, 'get'>>): Promise<Result<P, 'get'>>
  /** POST with an Idempotency-Key (its own, or `idempotencyKey`); resolves to the success, rejects with ApiError. */
  post<P extends PathsWith<'post'>>(path: P, ...init: Args<RawInit<P, 'post'> & PostOptions>): Promise<Result<P, 'post'>>
  /**
   * PUT, with If-Match from `ifMatch` (required where the contract requires If-Match: the ETag you read, or `'*'`);
   * resolves to the success, rejects with ApiError.
   */
  put<P extends PathsWith<'put'>>(path: P, ...init: Args<WriteInit<P, 'put'>>): Promise<Result<P, 'put'>>
  /** PATCH, with If-Match from the required `ifMatch` (the ETag you read, or `'*'`); resolves to the success, rejects with ApiError. */
  patch<P extends PathsWith<'patch'>>(path: P, ...init: Args<WriteInit<P, 'patch'>>): Promise<Result<P, 'patch'>>
  /** DELETE, with If-Match from the required `ifMatch` (the ETag you read, or `'*'`); resolves to the 204 (no body), rejects with ApiError. */
  delete<P extends PathsWith<'delete'>>(path: P, ...init: Args<WriteInit<P, 'delete'>>): Promise<Result<P, 'delete'>>
  /**
   * Every item of a list, page after page: follows `meta.nextCursor` until it is null. Later pages send the cursor
   * alone (it carries the listing's sort, order, page size and filters), with the first call's path parameters.
   * Rejects with ApiError like `get`.
   */
  paginate<P extends ListPath>(path: P, ...init: Args<RawInit<P, 'get'>>): AsyncIterableIterator<ItemOf<P>>
  /** The same walk as `paginate`, one success body (`{ data, meta }`) per page. */
  pages<P extends ListPath>(path: P, ...init: Args<RawInit<P, 'get'>>): AsyncIterableIterator<Body<P, 'get'>>
  /** The newest `X-D1-Bookmark` this client received (with readYourWrites), to hand to another client. */
  readonly bookmark: string | undefined
}

/**
 * UPPERCASE methods (GET, POST, ...) are openapi-fetch's: they resolve to `{ data, error, response }` whatever the
 * status. lowercase ones (get, post, ..., paginate) resolve to the success and reject with ApiError. Both reject with
 * NetworkError (an ApiError) when no answer can be read; otherwise only with the caller's own abort reason, or a
 * TypeError for a programming error found before sending (an `ifMatch` result that has no ETag).
 */
export type ApiClient = Client<paths> & ApiHelpers

// ---------------------------------------------------------------------------------------------------------------------
// Helpers that work on any response, raw or not.

/** The headers a client acts on, from any Response (a raw call's `response`, an ApiError's). */
export function responseHeaders(response: Response): ResponseHeaders {
  const get = (name: string) => response.headers.get(name) ?? undefined
  return {
    requestId: get('X-Request-Id'),
    etag: get('ETag'),
    location: get('Location'),
    idempotentReplayed: response.headers.get('Idempotent-Replayed') === 'true',
    bookmark: get('X-D1-Bookmark'),
    retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')),
  }
}

function etagOf(source: EtagSource, header: string): string {
  const etag = typeof source === 'string' ? source : source.headers.etag
  if (!etag) throw new TypeError(`No ETag to send as ${header}: the result it came from had none`)
  return etag
}

/** `{ 'If-Match': etag }` from a previous result (or an ETag), for a raw call's `headers` or `params.header`. */
export function ifMatch(source: EtagSource): { 'If-Match': string } {
  return { 'If-Match': etagOf(source, 'If-Match') }
}

/** `{ 'If-None-Match': etag }` from a previous result (or an ETag), for a raw call's `headers`. */
export function ifNoneMatch(source: EtagSource): { 'If-None-Match': string } {
  return { 'If-None-Match': etagOf(source, 'If-None-Match') }
}

// ---------------------------------------------------------------------------------------------------------------------

type AnyInit = {
  params?: { query?: Record<string, unknown> }
  headers?: HeadersOptions
  ifMatch?: EtagSource | undefined
  ifNoneMatch?: EtagSource | undefined
  idempotencyKey?: string | undefined
  [key: string]: unknown
}
type RawResult = { data?: unknown; error?: unknown; response: Response }

export function createApiClient({
  baseUrl,
  token,
  fetch,
  retry,
  idempotencyKeys = true,
  readYourWrites = false,
  onDeprecated,
}: ApiClientOptions): ApiClient {
  const session = readYourWrites ? { bookmark: readYourWrites === true ? undefined : readYourWrites.bookmark } : undefined
  const transport = createTransport({
    // Looked up per request, so a fetch patched in later (a test's mock) is the one used, as with openapi-fetch itself.
    fetch: fetch ?? ((request) => globalThis.fetch(request)),
    token,
    retry,
    idempotencyKeys,
    session,
    onDeprecated,
  })
  const raw = createClient<paths>({ baseUrl, fetch: transport })
  const request = raw.request as unknown as (method: string, path: string, init?: object) => Promise<RawResult>

  async function call(method: Method, path: string, init: AnyInit = {}): Promise<unknown> {
    const { ifMatch: match, ifNoneMatch: noneMatch, idempotencyKey, headers, ...rest } = init
    const extra: Record<string, string> = {}
    if (match !== undefined) extra['If-Match'] = etagOf(match, 'If-Match')
    if (noneMatch !== undefined) extra['If-None-Match'] = etagOf(noneMatch, 'If-None-Match')
    if (idempotencyKey !== undefined) extra['Idempotency-Key'] = idempotencyKey
    const { data, error, response } = await request(method, path, { ...rest, headers: mergeHeaders(headers, extra) })
    const result = { status: response.status, notModified: false, body: data, headers: responseHeaders(response), response }
    if (response.status === 304 && 'ifNoneMatch' in init) return { ...result, notModified: true, body: undefined }
    if (response.ok) return result
    throw new ApiError(response, error)
  }

  async function* pages(path: string, init: AnyInit = {}): AsyncIterableIterator<unknown> {
    let next: AnyInit = init
    const seen = new Set<string>()
    for (;;) {
      const { body, response } = (await call('get', path, next)) as { body: { meta: { nextCursor: string | null } }; response: Response }
      yield body
      const cursor = body.meta.nextCursor
      if (cursor === null) return
      if (seen.has(cursor)) {
        const message = `${path} answered the same nextCursor twice; stopping instead of looping`
        throw new ApiError(response, { error: { code: UNEXPECTED_RESPONSE, message } })
      }
      seen.add(cursor)
      // The cursor carries its listing's sort, order, pageSize and filters, and the server ignores them beside one:
      // send it alone. Path parameters (a user's posts) and everything else in init stay as they were.
      next = { ...init, params: { ...init.params, query: { cursor } } }
    }
  }

  async function* paginate(path: string, init?: AnyInit): AsyncIterableIterator<unknown> {
    for await (const page of pages(path, init)) yield* (page as { data: unknown[] }).data
  }

  const helpers = {
    get: (path: string, init?: AnyInit) => call('get', path, init),
    post: (path: string, init?: AnyInit) => call('post', path, init),
    put: (path: string, init?: AnyInit) => call('put', path, init),
    patch: (path: string, init?: AnyInit) => call('patch', path, init),
    delete: (path: string, init?: AnyInit) => call('delete', path, init),
    paginate,
    pages,
  }
  const client = Object.assign(raw, helpers)
  Object.defineProperty(client, 'bookmark', { enumerable: true, get: () => session?.bookmark })
  return client as unknown as ApiClient
}
