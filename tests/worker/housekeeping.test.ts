import { createScheduledController, env } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import worker from '../../src/index'

const HOUR = 60 * 60 * 1000

async function insertKey(key: string, expiresAt: Date) {
  await env.DB.prepare(
    'INSERT INTO idempotency_keys (scope, key, fingerprint, status, body, headers, created_at, expires_at) VALUES (?, ?, ?, 201, ?, ?, ?, ?)',
  )
    .bind('housekeeping-test', key, 'f', '{}', '{}', new Date(expiresAt.getTime() - 24 * HOUR).toISOString(), expiresAt.toISOString())
    .run()
}

const keysLeft = async () =>
  (
    await env.DB.prepare("SELECT key FROM idempotency_keys WHERE scope = 'housekeeping-test' ORDER BY key").all<{ key: string }>()
  ).results.map((r) => r.key)

describe('the hourly cron trigger', () => {
  it('deletes idempotency keys past their 24 hours, keeps live ones, and logs how many it deleted', async () => {
    await insertKey('expired-1', new Date(Date.now() - HOUR))
    await insertKey('expired-2', new Date(Date.now() - 1000))
    await insertKey('live', new Date(Date.now() + HOUR))
    const lines: string[] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)))
    try {
      await worker.scheduled(createScheduledController({ cron: '17 * * * *', scheduledTime: Date.now() }), { ...env, LOG_LEVEL: 'info' })
    } finally {
      spy.mockRestore()
    }
    expect(await keysLeft()).toEqual(['live'])
    const logged = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.message === 'housekeeping.idempotency_keys_purged')
    expect(logged).toMatchObject({ level: 'info', cron: '17 * * * *' })
    expect(logged?.deleted).toBeGreaterThanOrEqual(2)
  })
})

describe('the hourly cron trigger, for ended credentials and old attempt counts', () => {
  it('deletes API keys revoked or expired over 30 days ago, keeps recent and live ones; forgets stale login attempts', async () => {
    const day = 24 * HOUR
    const user = crypto.randomUUID()
    const at = new Date().toISOString()
    await env.DB.prepare("INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES (?, ?, 'H', 'x', ?, ?)")
      .bind(user, `housekeeping-${user}@example.com`, at, at)
      .run()
    const key = (name: string, revokedAt: number | null, expiresAt: number | null) =>
      env.DB.prepare(
        "INSERT INTO api_keys (id, user_id, name, prefix, last4, hash, scopes, created_at, expires_at, revoked_at) VALUES (?, ?, ?, 'cfak_x', 'xxxx', ?, 'read', ?, ?, ?)",
      )
        .bind(
          crypto.randomUUID(),
          user,
          name,
          crypto.randomUUID(),
          at,
          expiresAt && new Date(expiresAt).toISOString(),
          revokedAt && new Date(revokedAt).toISOString(),
        )
        .run()
    await key('revoked-long-ago', Date.now() - 31 * day, null)
    await key('expired-long-ago', null, Date.now() - 31 * day)
    await key('revoked-lately', Date.now() - day, null)
    await key('live', null, Date.now() + day)
    const attempts = (subject: string, updatedAt: number, lockedUntil: number | null) =>
      env.DB.prepare('INSERT INTO login_attempts (subject, address, failures, locked_until, updated_at) VALUES (?, ?, 3, ?, ?)')
        .bind(subject, '192.0.2.1', lockedUntil, updatedAt)
        .run()
    await attempts(`stale-${user}`, Date.now() - 2 * day, null)
    await attempts(`locked-${user}`, Date.now() - 2 * day, Date.now() + HOUR)
    await attempts(`fresh-${user}`, Date.now() - HOUR, null)
    await worker.scheduled(createScheduledController({ cron: '17 * * * *', scheduledTime: Date.now() }), env)
    const names = await env.DB.prepare('SELECT name FROM api_keys WHERE user_id = ? ORDER BY name').bind(user).all<{ name: string }>()
    expect(names.results.map((row) => row.name)).toEqual(['live', 'revoked-lately'])
    const subjects = await env.DB.prepare('SELECT subject FROM login_attempts WHERE subject LIKE ? ORDER BY subject')
      .bind(`%${user}`)
      .all<{ subject: string }>()
    expect(subjects.results.map((row) => row.subject)).toEqual([`fresh-${user}`, `locked-${user}`])
  })
})
