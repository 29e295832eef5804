// End-to-end smoke test through the generated typed client. CI/CD runs it against staging (API_URL); locally it starts
// its own `wrangler dev`. One user's walk: register, log in, write a post with If-Match (and be refused a stale one),
// page by cursor, change the password and sign out (each ending the tokens before), log in again and delete itself,
// with its posts. It cleans up after itself when a step fails too.
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { z } from '@hono/zod-openapi'
import { createApiClient, type ApiClient } from '../generated/client'
import { ApiKey, CreatedApiKey } from '../src/contract/schemas/api-keys'
import { AuthSession } from '../src/contract/schemas/auth'
import { HealthStatus } from '../src/contract/health'
import { Post } from '../src/contract/schemas/posts'
import { Meta, PageMeta } from '../src/contract/common/envelopes'
import { ErrorResponse } from '../src/contract/errors/responses'
import { PublicUser, User } from '../src/contract/schemas/users'
import { startWranglerDev, type WranglerDev } from './lib/wrangler-dev'

interface Result {
  data?: unknown
  error?: unknown
  response: Response
}

class StepFailure extends Error {}

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new StepFailure(message)
}

function expectStatus(result: Result, status: number) {
  const { response } = result
  const body = JSON.stringify(result.data ?? result.error ?? null)
  expect(response.status === status, `expected HTTP ${status}, got ${response.status}: ${body}`)
}

function expectShape<T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(body)
  if (!parsed.success)
    throw new StepFailure(`${what} does not match the contract:\n${z.prettifyError(parsed.error)}\nbody: ${JSON.stringify(body)}`)
  return parsed.data
}

function expectRequestId(response: Response, requestId: string) {
  const header = response.headers.get('X-Request-Id')
  expect(header === requestId, `X-Request-Id header ${header} differs from meta.requestId ${requestId}`)
}

/** The `{ data, meta }` envelope with no stray keys, meta.requestId echoing the X-Request-Id header. */
function expectData<T extends z.ZodType>(result: Result, data: T) {
  const body = expectShape(z.strictObject({ data, meta: Meta }), result.data, 'the response body')
  expectRequestId(result.response, body.meta.requestId)
  return body
}

/** The list envelope: `{ data: [...], meta }` with the paging fields in meta. */
function expectPage<T extends z.ZodType>(result: Result, item: T) {
  const body = expectShape(z.strictObject({ data: z.array(item), meta: PageMeta }), result.data, 'the response body')
  expectRequestId(result.response, body.meta.requestId)
  return body
}

function expectError(result: Result, status: number, code: string) {
  expectStatus(result, status)
  const body = expectShape(ErrorResponse, result.error, 'the error body')
  expect(body.error.code === code, `expected error code ${code}, got ${body.error.code}`)
}

async function expectEmpty(response: Response) {
  const text = await response.text()
  expect(text === '', `expected an empty body, got ${JSON.stringify(text)}`)
}

/** fetch hides the reason (ECONNREFUSED, ENOTFOUND, ...) in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  return error.cause === undefined ? error.message : `${error.message}: ${describe(error.cause)}`
}

async function main() {
  let server: WranglerDev | undefined
  const apiUrl = process.env.API_URL?.replace(/\/+$/, '')
  const persistTo = '.wrangler/smoke'
  const baseUrl = apiUrl ?? (server = await startWranglerDev({ persistTo })).baseUrl
  console.log(`smoke test against ${baseUrl}`)

  // Public reads go through `anonymous` (and so through the API's cache, as any visitor's would). Everything the smoke
  // user does carries the newest D1 bookmark from one client to the next, so a read served by a replica still sees the
  // writes before it: a password change or sign-out must end a token at once, not once the replica catches up.
  const anonymous = createApiClient({ baseUrl })
  const auth = createApiClient({ baseUrl, readYourWrites: true })
  const connect = (token: string | undefined, from: ApiClient) =>
    createApiClient({ baseUrl, token, readYourWrites: { bookmark: from.bookmark } })
  const suffix = `${Date.now()}-${randomBytes(4).toString('hex')}`
  const email = `smoke-${suffix}@example.com`
  const password = `smoke-${randomBytes(12).toString('hex')}`
  const newPassword = `smoke-${randomBytes(12).toString('hex')}`
  let currentPassword = password
  let userId = ''
  let postId = ''
  let secondPostId = ''
  /** The post's ETag as last read or written, and the one before it (stale once the post changed). */
  let postEtag = ''
  let staleEtag = ''
  let client: ApiClient = anonymous
  /** The client whose token was current before the password change, and the one signed out. */
  let ended: ApiClient = anonymous
  let userDeleted = false
  let keyId = ''
  let keySecret = ''
  let keyClient: ApiClient = anonymous

  const etagOf = (response: Response) => {
    const etag = response.headers.get('ETag')
    expect(etag !== null && /^"v\d+"$/.test(etag), `expected a strong ETag such as "v1", got ${etag}`)
    return etag
  }
  const postTitle = `Smoke post ${suffix}`
  const postBody = 'Written by the smoke test, deleted a moment later.'

  const steps: Array<[string, () => Promise<void>]> = [
    [
      'GET /health answers 200 healthy',
      async () => {
        const result = await anonymous.GET('/health')
        expectStatus(result, 200)
        const health = expectShape(HealthStatus, result.data, 'the health body')
        expect(health.status === 'healthy', `status is ${health.status}`)
      },
    ],
    [
      'GET /openapi.json is an OpenAPI 3.1 document',
      async () => {
        const response = await fetch(`${baseUrl}/openapi.json`)
        expect(response.status === 200, `expected HTTP 200, got ${response.status}`)
        const document = expectShape(
          z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
          await response.json(),
          'the document',
        )
        expect(/^3\.1\.\d+$/.test(document.openapi), `openapi is ${document.openapi}, expected 3.1.x`)
        expect('/api/users/{id}/posts' in document.paths, 'the document lacks /api/users/{id}/posts')
      },
    ],
    [
      'POST /api/auth/register answers 201 with Location and a token',
      async () => {
        const result = await auth.POST('/api/auth/register', { body: { email, name: 'Smoke Test', password } })
        expectStatus(result, 201)
        const { data } = expectData(result, AuthSession)
        expect(data.user.email === email, `registered as ${data.user.email}, expected ${email}`)
        expect(data.user.role === 'user', `a self-registered user has role ${data.user.role}`)
        userId = data.user.id
        // Kept for the cleanup should logging in fail.
        client = connect(data.token, auth)
        const location = result.response.headers.get('Location')
        expect(location === `/api/users/${userId}`, `Location is ${location}, expected /api/users/${userId}`)
      },
    ],
    [
      'POST /api/auth/login answers 200 with a token',
      async () => {
        const result = await auth.POST('/api/auth/login', { body: { email, password } })
        expectStatus(result, 200)
        const { data } = expectData(result, AuthSession)
        expect(data.user.id === userId, `logged in as ${data.user.id}, expected ${userId}`)
        expect(data.tokenType === 'Bearer' && data.token.length > 0, 'no bearer token')
        client = connect(data.token, auth)
      },
    ],
    [
      'GET /api/profile answers 200 with my record',
      async () => {
        const result = await client.GET('/api/profile')
        expectStatus(result, 200)
        const { data } = expectData(result, User)
        expect(data.id === userId && data.email === email, `profile is ${data.id} ${data.email}`)
      },
    ],
    [
      'POST /api/users/{id}/posts answers 201 with Location and ETag',
      async () => {
        const result = await client.POST('/api/users/{id}/posts', {
          params: { path: { id: userId } },
          body: { title: postTitle, body: postBody },
        })
        expectStatus(result, 201)
        const { data } = expectData(result, Post)
        expect(data.authorId === userId, `authorId is ${data.authorId}, expected ${userId}`)
        postId = data.id
        const location = result.response.headers.get('Location')
        expect(location === `/api/posts/${postId}`, `Location is ${location}, expected /api/posts/${postId}`)
        etagOf(result.response)
      },
    ],
    [
      'GET /api/posts/{id} answers 200 with the post and its ETag',
      async () => {
        const result = await anonymous.GET('/api/posts/{id}', { params: { path: { id: postId } } })
        expectStatus(result, 200)
        const { data } = expectData(result, Post)
        expect(data.id === postId && data.title === postTitle, `got post ${data.id} "${data.title}"`)
        postEtag = etagOf(result.response)
      },
    ],
    [
      'PATCH /api/users/{id}/posts/{postId} with the ETag read answers 200 with the change and a new ETag',
      async () => {
        const title = `${postTitle}, edited`
        const result = await client.PATCH('/api/users/{id}/posts/{postId}', {
          params: { path: { id: userId, postId }, header: { 'If-Match': postEtag } },
          body: { title },
        })
        expectStatus(result, 200)
        const { data } = expectData(result, Post)
        expect(data.title === title, `title is "${data.title}", expected "${title}"`)
        expect(data.body === postBody, 'PATCH changed a field it was not given')
        expect(data.updatedAt >= data.createdAt, `updatedAt ${data.updatedAt} is before createdAt ${data.createdAt}`)
        const etag = etagOf(result.response)
        expect(etag !== postEtag, `the ETag stayed ${etag} although the post changed`)
        ;[staleEtag, postEtag] = [postEtag, etag]
      },
    ],
    [
      'PATCH /api/users/{id}/posts/{postId} with the stale ETag answers 412 PRECONDITION_FAILED and changes nothing',
      async () => {
        const result = await client.PATCH('/api/users/{id}/posts/{postId}', {
          params: { path: { id: userId, postId }, header: { 'If-Match': staleEtag } },
          body: { title: `${postTitle}, a lost update` },
        })
        expectError(result, 412, 'PRECONDITION_FAILED')
        const reread = await client.GET('/api/posts/{id}', { params: { path: { id: postId } } })
        expectStatus(reread, 200)
        const { data } = expectData(reread, Post)
        expect(data.title === `${postTitle}, edited`, `the refused PATCH changed the title to "${data.title}"`)
        expect(etagOf(reread.response) === postEtag, `the ETag is ${reread.response.headers.get('ETag')}, expected ${postEtag}`)
      },
    ],
    [
      'GET /api/users/{id}/posts pages with meta',
      async () => {
        const result = await anonymous.GET('/api/users/{id}/posts', { params: { path: { id: userId }, query: { page: 1, pageSize: 10 } } })
        expectStatus(result, 200)
        const { data, meta } = expectPage(result, Post)
        expect(meta.page === 1 && meta.pageSize === 10, `meta page/pageSize are ${meta.page}/${meta.pageSize}, expected 1/10`)
        expect(meta.total === 1 && meta.totalPages === 1, `meta total/totalPages are ${meta.total}/${meta.totalPages}, expected 1/1`)
        expect(data.length === 1 && data[0]?.id === postId, `expected exactly the smoke post, got ${data.map((p) => p.id).join(', ')}`)
      },
    ],
    [
      'GET /api/posts pages with meta',
      async () => {
        const pageSize = 5
        const result = await anonymous.GET('/api/posts', { params: { query: { page: 1, pageSize } } })
        expectStatus(result, 200)
        const { data, meta } = expectPage(result, Post)
        expect(
          meta.page === 1 && meta.pageSize === pageSize,
          `meta page/pageSize are ${meta.page}/${meta.pageSize}, expected 1/${pageSize}`,
        )
        expect(meta.total >= 1, `meta.total is ${meta.total} although the smoke post exists`)
        expect(
          meta.totalPages === Math.ceil(meta.total / pageSize),
          `totalPages ${meta.totalPages} is not ceil(${meta.total} / ${pageSize})`,
        )
        expect(
          data.length === Math.min(pageSize, meta.total),
          `page holds ${data.length} posts, expected ${Math.min(pageSize, meta.total)}`,
        )
      },
    ],
    [
      'GET /api/users pages by cursor: the next page by cursor (sent alone) is the next page by number',
      async () => {
        // Oldest first, so users who register meanwhile (on staging, say) join the end, not the pages compared.
        const query = { pageSize: 1, sort: 'createdAt', order: 'asc' } as const
        const first = await anonymous.GET('/api/users', { params: { query } })
        expectStatus(first, 200)
        const { meta } = expectPage(first, PublicUser)
        if (meta.totalPages < 2) {
          expect(meta.nextCursor === null, `one page only, yet nextCursor is ${meta.nextCursor}`)
          return
        }
        expect(typeof meta.nextCursor === 'string', 'a first page of several has no nextCursor')
        const byCursor = await anonymous.GET('/api/users', { params: { query: { cursor: meta.nextCursor! } } })
        const byNumber = await anonymous.GET('/api/users', { params: { query: { ...query, page: 2 } } })
        expectStatus(byCursor, 200)
        expectStatus(byNumber, 200)
        const [a, b] = [expectPage(byCursor, PublicUser), expectPage(byNumber, PublicUser)]
        expect(
          a.meta.page === 2 && a.meta.pageSize === 1,
          `the cursor's page is ${a.meta.page} of size ${a.meta.pageSize}, expected 2 of 1`,
        )
        expect(a.data[0]?.id === b.data[0]?.id, `page 2 by cursor holds ${a.data[0]?.id}, by number ${b.data[0]?.id}`)
      },
    ],
    [
      'GET /api/posts?authorId walks by cursor sent alone: it keeps the filter, sort and page size',
      async () => {
        const second = await client.POST('/api/users/{id}/posts', {
          params: { path: { id: userId } },
          body: { title: `${postTitle}, second`, body: postBody },
        })
        expectStatus(second, 201)
        secondPostId = expectData(second, Post).data.id
        // Title order: "…, edited" before "…, second". Other authors' posts (on staging) would show up if the cursor lost
        // the filter, and the pages would hold more than one post if it lost the page size.
        const seen: string[] = []
        let result = await client.GET('/api/posts', { params: { query: { authorId: userId, pageSize: 1, sort: 'title', order: 'asc' } } })
        for (let pages = 1; ; pages++) {
          expectStatus(result, 200)
          const { data, meta } = expectPage(result, Post)
          expect(meta.pageSize === 1 && data.length === 1, `page ${pages} holds ${data.length} posts, meta.pageSize ${meta.pageSize}`)
          expect(data[0]?.authorId === userId, `page ${pages} holds a post by ${data[0]?.authorId}, not by ${userId}`)
          seen.push(data[0]?.id ?? '')
          if (meta.nextCursor === null) break
          expect(pages < 2, `still a nextCursor after page ${pages} of 2`)
          result = await client.GET('/api/posts', { params: { query: { cursor: meta.nextCursor } } })
        }
        expect(
          seen.join() === [postId, secondPostId].join(),
          `walked ${seen.join(', ')}, expected ${postId}, ${secondPostId} (title order)`,
        )
      },
    ],
    [
      'DELETE /api/users/{id}/posts/{postId} with the ETag answers 204 with no body',
      async () => {
        const result = await client.DELETE('/api/users/{id}/posts/{postId}', {
          params: { path: { id: userId, postId }, header: { 'If-Match': postEtag } },
        })
        expectStatus(result, 204)
        await expectEmpty(result.response)
      },
    ],
    [
      'GET /api/posts/{id} of the deleted post answers 404 NOT_FOUND',
      async () => {
        const result = await anonymous.GET('/api/posts/{id}', { params: { path: { id: postId } } })
        expectError(result, 404, 'NOT_FOUND')
      },
    ],
    [
      'PUT /api/profile/password answers 200 with a fresh token',
      async () => {
        const result = await client.PUT('/api/profile/password', { body: { currentPassword, newPassword } })
        expectStatus(result, 200)
        const { data } = expectData(result, AuthSession)
        expect(data.user.id === userId, `the session is for ${data.user.id}, expected ${userId}`)
        currentPassword = newPassword
        ended = client
        client = connect(data.token, ended)
      },
    ],
    [
      'GET /api/profile with the token from before the change answers 401 UNAUTHORIZED',
      async () => {
        expectError(await ended.GET('/api/profile'), 401, 'UNAUTHORIZED')
      },
    ],
    [
      'GET /api/profile with the fresh token answers 200',
      async () => {
        const result = await client.GET('/api/profile')
        expectStatus(result, 200)
        expect(expectData(result, User).data.id === userId, 'the fresh token is not mine')
      },
    ],
    [
      'POST /api/api-keys answers 201 with the secret (cfak_…), shown this once',
      async () => {
        const result = await client.POST('/api/api-keys', {
          body: { name: `Smoke ${suffix}`, scopes: ['read', 'write'], expiresInDays: 1 },
        })
        expectStatus(result, 201)
        const { data } = expectData(result, CreatedApiKey)
        expect(/^cfak_[0-9A-Za-z]{51}$/.test(data.secret), `the key ${data.prefix}… is not cfak_ and 51 letters and digits`)
        expect(data.secret.startsWith(data.prefix) && data.secret.endsWith(data.last4), 'prefix and last4 do not match the secret')
        keyId = data.id
        keySecret = data.secret
        keyClient = connect(keySecret, client)
      },
    ],
    [
      'the API key acts as me: GET /api/profile 200, POST a post 201',
      async () => {
        const profile = await keyClient.GET('/api/profile')
        expectStatus(profile, 200)
        expect(expectData(profile, User).data.id === userId, 'the key is not mine')
        const made = await keyClient.POST('/api/users/{id}/posts', {
          params: { path: { id: userId } },
          body: { title: 'By key', body: 'Posted with an API key.' },
        })
        expectStatus(made, 201)
        expect(expectData(made, Post).data.authorId === userId, 'the post is not mine')
      },
    ],
    [
      'GET /api/api-keys lists the key, without its secret',
      async () => {
        const result = await client.GET('/api/api-keys')
        expectStatus(result, 200)
        const { data } = expectPage(result, ApiKey)
        expect(
          data.some((key) => key.id === keyId),
          'the key is not listed',
        )
        expect(!JSON.stringify(result.data).includes(keySecret), 'the list shows the secret')
      },
    ],
    [
      'no local database file holds the secret (a local run only)',
      async () => {
        if (apiUrl) return
        const files = (dir: string): string[] =>
          readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]))
        const found = existsSync(persistTo) ? files(persistTo).filter((file) => readFileSync(file).includes(keySecret)) : []
        expect(existsSync(persistTo), `no local state at ${persistTo}`)
        // The scan reads the real database: my email, which is stored, is found in it.
        expect(
          files(persistTo).some((file) => readFileSync(file).includes(email)),
          `the scan of ${persistTo} does not find my email: not the database`,
        )
        expect(found.length === 0, `the secret is in ${found.join(', ')}`)
      },
    ],
    [
      'a read-only key is refused a write: 403 FORBIDDEN; revoked, it is refused anything: 401',
      async () => {
        const made = await client.POST('/api/api-keys', { body: { name: `Read-only ${suffix}`, scopes: ['read'] } })
        expectStatus(made, 201)
        const readOnly = expectData(made, CreatedApiKey).data
        const reader = connect(readOnly.secret, client)
        expectError(
          await reader.POST('/api/users/{id}/posts', { params: { path: { id: userId } }, body: { title: 'Never', body: 'Refused.' } }),
          403,
          'FORBIDDEN',
        )
        expectStatus(await client.DELETE('/api/api-keys/{id}', { params: { path: { id: readOnly.id } } }), 204)
        expectError(await reader.GET('/api/profile'), 401, 'UNAUTHORIZED')
      },
    ],
    [
      'POST /api/auth/logout answers 204 with no body',
      async () => {
        const result = await client.POST('/api/auth/logout')
        expectStatus(result, 204)
        await expectEmpty(result.response)
        ended = client
      },
    ],
    [
      'GET /api/profile with the signed-out token answers 401 UNAUTHORIZED',
      async () => {
        expectError(await ended.GET('/api/profile'), 401, 'UNAUTHORIZED')
      },
    ],
    [
      'signing out ends tokens, not API keys: GET /api/profile with the key answers 200',
      async () => {
        expectStatus(await keyClient.GET('/api/profile'), 200)
      },
    ],
    [
      'POST /api/auth/login with the new password answers 200 with a token',
      async () => {
        const signIn = connect(undefined, ended)
        const result = await signIn.POST('/api/auth/login', { body: { email, password: currentPassword } })
        expectStatus(result, 200)
        const { data } = expectData(result, AuthSession)
        expect(data.user.id === userId, `logged in as ${data.user.id}, expected ${userId}`)
        client = connect(data.token, signIn)
      },
    ],
    [
      'DELETE /api/users/{id} (myself) with the ETag of my profile answers 204 with no body',
      async () => {
        const profile = await client.GET('/api/profile')
        expectStatus(profile, 200)
        const result = await client.DELETE('/api/users/{id}', {
          params: { path: { id: userId }, header: { 'If-Match': etagOf(profile.response) } },
        })
        expectStatus(result, 204)
        userDeleted = true
        await expectEmpty(result.response)
      },
    ],
    [
      "GET /api/profile with the deleted user's token answers 401 UNAUTHORIZED",
      async () => {
        const result = await client.GET('/api/profile')
        expectError(result, 401, 'UNAUTHORIZED')
      },
    ],
    [
      'deleting the user ends their API keys: GET /api/profile with the key answers 401',
      async () => {
        expectError(await keyClient.GET('/api/profile'), 401, 'UNAUTHORIZED')
      },
    ],
    [
      "GET /api/posts/{id} of the deleted user's other post answers 404 NOT_FOUND",
      async () => {
        const result = await anonymous.GET('/api/posts/{id}', { params: { path: { id: secondPostId } } })
        expectError(result, 404, 'NOT_FOUND')
      },
    ],
  ]

  let passed = 0
  try {
    for (const [name, run] of steps) {
      const started = performance.now()
      try {
        await run()
      } catch (error) {
        const message = error instanceof StepFailure ? error.message : `threw ${describe(error)}`
        console.error(`FAIL ${passed + 1}. ${name}\n     ${message.replaceAll('\n', '\n     ')}`)
        console.error(`${passed} passed, 1 failed`)
        process.exitCode = 1
        return
      }
      passed += 1
      console.log(`ok   ${passed}. ${name} (${Math.round(performance.now() - started)} ms)`)
    }
    console.log(`${passed} passed, 0 failed`)
  } finally {
    // A failed run must not leave its user (and posts) behind on staging. It has no ETag to hand here: `*` deletes
    // whatever version there is. A token ended by a password change or sign-out midway: log in again first.
    if (userId && !userDeleted) {
      const remove = (api: ApiClient) =>
        api.DELETE('/api/users/{id}', { params: { path: { id: userId }, header: { 'If-Match': '*' } } }).catch(() => undefined)
      let cleanup = client === anonymous ? undefined : await remove(client)
      if (cleanup === undefined || cleanup.response.status === 401) {
        const signIn = connect(undefined, client)
        const login = await signIn.POST('/api/auth/login', { body: { email, password: currentPassword } }).catch(() => undefined)
        if (login?.data) cleanup = await remove(connect(login.data.data.token, signIn))
      }
      console.error(`cleanup: DELETE /api/users/${userId} answered ${cleanup?.response.status ?? 'nothing'}`)
    }
    await server?.stop()
  }
}

main().catch((error: unknown) => {
  console.error(`FAIL ${describe(error)}`)
  process.exitCode = 1
})
