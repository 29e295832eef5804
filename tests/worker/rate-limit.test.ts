import { describe, expect, it } from 'vitest'
import { call, json, PASSWORD, register, uniqueEmail } from './support/api'

type ErrorJson = { error: { code: string } }
const from = (ip: string, headers: Record<string, string> = {}) => ({ 'CF-Connecting-IP': ip, ...headers })

describe('rate limits', () => {
  it('the 6th login attempt in a row for one account from one address is 429 RATE_LIMITED with Retry-After', async () => {
    const session = await register()
    const attempts: number[] = []
    for (let i = 0; i < 6; i++) {
      // From many addresses, only the account-wide lock applies (login-locks.test.ts).
      const response = await json('POST', '/api/auth/login', { email: session.user.email, password: 'wrong-password' }, from('192.0.2.1'))
      attempts.push(response.status)
      if (i === 5) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(55)
        expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(60)
        expect((await response.json<ErrorJson>()).error.code).toBe('RATE_LIMITED')
      }
    }
    expect(attempts).toEqual([401, 401, 401, 401, 401, 429])
  })

  it('one address trying many emails is limited too', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await json('POST', '/api/auth/login', { email: uniqueEmail('spray'), password: PASSWORD }, from('198.51.100.7'))).status,
      )
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429])
  })

  it('registration is limited per address', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await json('POST', '/api/auth/register', { email: uniqueEmail('bulk'), name: 'Bulk', password: PASSWORD }, from('198.51.100.8')))
          .status,
      )
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429])
  })

  it('anonymous calls are limited per address: 300 a minute, then 429; another address is unaffected', async () => {
    const ip = '203.0.113.9'
    const statuses = await Promise.all(
      Array.from({ length: 301 }, () => call('/api/users?pageSize=1', { headers: from(ip) }).then((r) => r.status)),
    )
    expect(statuses.filter((s) => s === 200)).toHaveLength(300)
    expect(statuses.filter((s) => s === 429)).toHaveLength(1)
    expect((await call('/api/users?pageSize=1', { headers: from('203.0.113.10') })).status).toBe(200)
  })

  it('signed-in calls are limited per user, whatever the address', async () => {
    const session = await register()
    const statuses = await Promise.all(
      Array.from({ length: 301 }, (_, i) =>
        call('/api/profile', { headers: from(`100.64.${i % 250}.1`, { Authorization: `Bearer ${session.token}` }) }).then((r) => r.status),
      ),
    )
    expect(statuses.filter((s) => s === 429)).toHaveLength(1)
  })

  it('/health is never rate limited', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 310 }, () => call('/health', { headers: from('203.0.113.77') }).then((r) => r.status)),
    )
    expect(new Set(statuses)).toEqual(new Set([200]))
  })
})
