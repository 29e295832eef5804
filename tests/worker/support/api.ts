import { env } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { createApiClient } from '../../../generated/client'
import { assertConforms } from './contract'

export const BASE = 'http://api.test'

/** Every response goes through the contract check; no test can skip it. */
export async function workerFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input instanceof URL ? input.href : input, init)
  // Each test is its own client: a random address keeps the per-IP rate limits per test, as they are per client in production.
  if (!request.headers.has('CF-Connecting-IP')) request.headers.set('CF-Connecting-IP', randomIp())
  rememberPassword(await request.clone().text())
  const response = await exports.default.fetch(request)
  await assertConforms(request.method, request.url, response)
  bodies.push(await response.clone().text())
  return response
}

/** Every password a test sent (distinctive enough to search for), so the leak scan looks for all of them. */
export const sentPasswords = new Set<string>()
/** Every other text a test sent: a password also sent as, say, a title may rightly come back in a response. */
export const sentTexts = new Set<string>()
function rememberPassword(text: string) {
  try {
    for (const [field, value] of Object.entries(JSON.parse(text) as Record<string, unknown>)) {
      // A field's name comes back in an 'is not a field' error: a password that happens to be spelt like one is no leak.
      sentTexts.add(field)
      if (typeof value !== 'string') continue
      if (field !== 'password') sentTexts.add(value)
      else if (value.length >= 8 && new Set(value).size >= 4) sentPasswords.add(value)
    }
  } catch {
    // Not a JSON object: no password in it.
  }
}

const randomIp = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 256)).join('.')}`

/** Every response body the suite received, for leak scans (passwords, hashes). */
export const bodies: string[] = []

/** Raw call: path relative to the API, any method, headers and body. */
export function call(path: string, init: RequestInit = {}) {
  return workerFetch(`${BASE}${path}`, init)
}

export function json(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return call(path, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
}

export const client = (token?: string) => createApiClient({ baseUrl: BASE, fetch: workerFetch, ...(token ? { token } : {}) })

/** A cursor's payload, as the API writes it (unpadded base64url JSON): read an issued one, to forge a variant of it. */
export const readCursor = (cursor: string) => JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>
/** A payload written as the API writes its cursors. */
export const writeCursor = (payload: object) => btoa(JSON.stringify(payload)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')

let counter = 0
export const uniqueEmail = (prefix = 'user') => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}@example.com`
export const PASSWORD = 'Test-Pa55word!xyz'

export async function register(overrides: Partial<{ email: string; name: string; password: string }> = {}) {
  const body = { email: uniqueEmail(), name: 'Test User', password: PASSWORD, ...overrides }
  const { data, response } = await client().POST('/api/auth/register', { body })
  if (!data) throw new Error(`register failed: ${response.status}`)
  return { ...data.data, password: body.password }
}

/** A user promoted to admin directly in D1 (there is deliberately no API to become admin). */
export async function registerAdmin() {
  const session = await register({ name: 'Admin' })
  await env.DB.prepare('UPDATE users SET role = ? WHERE id = ?').bind('admin', session.user.id).run()
  const { data } = await client().POST('/api/auth/login', { body: { email: session.user.email, password: PASSWORD } })
  if (!data) throw new Error('admin login failed')
  return data.data
}

export async function count(table: 'users' | 'posts' | 'idempotency_keys') {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>()
  return row?.n ?? 0
}
