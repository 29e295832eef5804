import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../src/app'
import { PASSWORD, uniqueEmail } from './support/api'
import { faultyD1, LOST } from './support/faults'

type Line = Record<string, unknown> & { level: string; message: string; requestId: string }

/** Sends requests through a fresh app with LOG_LEVEL set, and returns what it logged, parsed. */
async function logged(level: string, requests: (send: (path: string, init?: RequestInit) => Promise<Response>) => Promise<void>) {
  const lines: string[] = []
  const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)))
  const app = createApp()
  const send = async (path: string, init: RequestInit = {}) => {
    const ctx = createExecutionContext()
    const headers = new Headers(init.headers)
    headers.set('CF-Connecting-IP', `192.0.2.${Math.floor(Math.random() * 250)}`)
    const response = await app.request(path, { ...init, headers }, { ...env, LOG_LEVEL: level }, ctx)
    await waitOnExecutionContext(ctx)
    return response
  }
  try {
    await requests(send)
  } finally {
    spy.mockRestore()
  }
  return lines.map((line) => JSON.parse(line) as Line)
}

afterEach(() => vi.restoreAllMocks())

describe('structured logs', () => {
  it('one JSON line per request with requestId, method, route, status, durationMs and the user', async () => {
    let requestId = ''
    let userId = ''
    const lines = await logged('info', async (send) => {
      const email = uniqueEmail('log')
      const registered = await send('/api/auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, name: 'Log', password: PASSWORD }),
      })
      const { data } = await registered.json<{ data: { token: string; user: { id: string } } }>()
      userId = data.user.id
      const profile = await send('/api/profile', { headers: { Authorization: `Bearer ${data.token}`, 'X-Request-Id': 'trace-123' } })
      requestId = profile.headers.get('x-request-id')!
    })
    const requests = lines.filter((line) => line.message === 'request')
    expect(requests).toHaveLength(2)
    const profileLine = requests.find((line) => line.requestId === requestId)
    expect(requestId).toBe('trace-123')
    expect(profileLine).toMatchObject({ level: 'info', method: 'GET', route: '/api/profile', status: 200, userId })
    expect(typeof profileLine?.durationMs).toBe('number')
    // Every line of a request carries its id (the welcome email line included).
    expect(lines.every((line) => typeof line.requestId === 'string' && line.requestId.length > 0)).toBe(true)
  })

  it('never logs a password, a token, a secret or a full email', async () => {
    const email = uniqueEmail('secret')
    let token = ''
    const lines = await logged('debug', async (send) => {
      const body = JSON.stringify({ email, name: 'S', password: PASSWORD })
      const registered = await send('/api/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      token = (await registered.json<{ data: { token: string } }>()).data.token
      await send('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'wrong-password' }),
      })
      await send('/api/profile', { headers: { Authorization: `Bearer ${token}` } })
    })
    const text = lines.map((line) => JSON.stringify(line)).join('\n')
    expect(lines.length).toBeGreaterThanOrEqual(4)
    for (const secret of [PASSWORD, 'wrong-password', token, env.JWT_SECRET, email]) expect(text).not.toContain(secret)
    expect(text).toContain(`${email[0]}***@example.com`)
  })

  it('a 500 logs an error line with the stack; the response has none', async () => {
    const lines: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)))
    const app = createApp()
    app.get('/explode', () => {
      throw new Error('kaboom')
    })
    const response = await app.request('/explode', {}, { ...env, LOG_LEVEL: 'info' })
    expect(response.status).toBe(500)
    const parsed = lines.map((line) => JSON.parse(line) as Line)
    const failure = parsed.find((line) => line.message === 'request.failed')
    expect(failure).toMatchObject({ level: 'error', error: 'kaboom' })
    expect(String(failure?.stack)).toContain('kaboom')
    expect(parsed.find((line) => line.message === 'request')).toMatchObject({ level: 'error', status: 500 })
    expect(await response.text()).not.toContain('kaboom')
  })

  it("a failed query's error line names the query but none of its values (no email, id, hash or token)", async () => {
    // D1 that fails every round trip after the sign-up's own (its work after the answer: recording the welcome email as
    // sent, a single statement with the user's id), as a full disk or a lost primary would.
    const { binding } = faultyD1((trip) => (trip >= 1 ? 'before' : undefined))
    const email = uniqueEmail('leak')
    const lines: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)))
    const ctx = createExecutionContext()
    const response = await createApp().request(
      '/api/auth/register',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'CF-Connecting-IP': '192.0.2.77' },
        body: JSON.stringify({ email, name: 'Leak', password: PASSWORD }),
      },
      { ...env, LOG_LEVEL: 'info', DB: binding },
      ctx,
    )
    expect(response.status).toBe(201)
    const { data } = await response.json<{ data: { token: string; user: { id: string } } }>()
    await waitOnExecutionContext(ctx)
    const failure = lines.map((line) => JSON.parse(line) as Line).find((line) => line.message === 'email.failed')
    expect(failure).toMatchObject({ level: 'error', afterResponse: true, cause: `Error: ${LOST}` })
    expect(String(failure?.error)).toMatch(/^Failed query: update "users" .* \(parameters not logged\)$/)
    const text = lines.join('\n')
    for (const secret of [email, data.user.id, PASSWORD, data.token, 'pbkdf2-sha256$']) expect(text).not.toContain(secret)
  })

  it('LOG_LEVEL filters: at warn, a successful request writes nothing', async () => {
    const lines = await logged('warn', async (send) => {
      await send('/api/users')
    })
    expect(lines).toEqual([])
  })
})
