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
