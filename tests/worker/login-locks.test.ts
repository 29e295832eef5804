// Password guessing, as an attacker tries it (issue: security round 3): failed attempts slow the network that makes
// them; only a hundred in a row from everywhere lock the account itself; an unknown email is treated as a real one.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { call, client, json, PASSWORD, register, uniqueEmail } from './support/api'

const from = (ip: string) => ({ 'CF-Connecting-IP': ip })
const lockOf = (id: string) =>
  env.DB.prepare('SELECT failed_logins AS failed, locked_until AS until FROM users WHERE id = ?')
    .bind(id)
    .first<{ failed: number; until: number | null }>()
const rowOf = (subject: string, address: string) =>
  env.DB.prepare('SELECT failures, locked_until AS until FROM login_attempts WHERE subject = ? AND address = ?')
    .bind(subject, address)
    .first<{ failures: number; until: number | null }>()
/** An email no account has is counted under a hash of it (its lower-case form). */
async function subjectOfUnknown(email: string) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(email.toLowerCase()))
  return `email:${[...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`
}
/** As if `failures` attempts in a row had failed from every network together. */
const accountWideStreak = (subject: string, failures: number) =>
  env.DB.prepare(
    "INSERT INTO login_attempts (subject, address, failures, locked_until, updated_at) VALUES (?, '*', ?, NULL, ?) ON CONFLICT DO UPDATE SET failures = excluded.failures",
  )
    .bind(subject, failures, Date.now())
    .run()

/** A login as an attacker sends it: any JSON content type, from an address of their choosing. */
const guess = (email: string, password: string, ip: string, contentType = 'application/json') =>
  call('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': contentType, ...from(ip) },
    body: JSON.stringify({ email, password }),
  })

describe('password guessing', () => {
  it('from one address, 5 guesses; the 6th, even right, is a 429 there, while the owner logs in from their own', async () => {
    const victim = await register()
    const types = [
      'application/json',
      'application/vnd.api+json',
      'application/x+json',
      'application/json; charset=utf-8',
      'Application/JSON',
    ]
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await guess(victim.user.email.toUpperCase(), `wrong-${i}`, '203.0.113.9', types[i]!)).status)
    const right = await guess(victim.user.email, PASSWORD, '203.0.113.9')
    expect([...statuses, right.status]).toEqual([401, 401, 401, 401, 401, 429])
    expect((await rowOf(victim.user.id, '203.0.113.9'))?.failures).toBe(5)
    // The lock is the attacker's network's, not the account's.
    expect((await guess(victim.user.email, PASSWORD, '198.51.100.200')).status).toBe(200)
    expect((await lockOf(victim.user.id))?.until).toBeNull()
  })

  it('rotating addresses, an unknown email answers exactly as a real one: 401s, then 429s once 100 in a row failed', async () => {
    const real = await register()
    const unknown = uniqueEmail('nobody')
    await accountWideStreak(real.user.id, 97)
    await accountWideStreak(await subjectOfUnknown(unknown), 97)
    const run = async (email: string, prefix: string) => {
      const statuses: number[] = []
      for (let i = 0; i < 5; i++) statuses.push((await guess(email, `wrong-${i}`, `${prefix}.${i + 1}`)).status)
      return statuses
    }
    const seenForReal = await run(real.user.email, '192.0.2')
    expect(seenForReal).toEqual([401, 401, 401, 429, 429])
    expect(await run(unknown, '198.51.100')).toEqual(seenForReal)
    // The account-wide lock holds for the owner too, from anywhere, and is mirrored where an idempotent replay reads it.
    expect((await guess(real.user.email, PASSWORD, '203.0.113.77')).status).toBe(429)
    expect((await lockOf(real.user.id))?.failed).toBe(100)
    expect((await lockOf(real.user.id))?.until).toBeGreaterThan(Date.now())
  })

  it('parallel guesses cannot slip past a lock: from one address at most 5 of 20 are evaluated, from 20 at most the account-wide rest', async () => {
    const victim = await register()
    const oneAddress = await Promise.all(Array.from({ length: 20 }, (_, i) => guess(victim.user.email, `wrong-${i}`, '198.51.100.31')))
    expect(oneAddress.filter((response) => response.status === 401).length).toBeLessThanOrEqual(5)
    const other = await register()
    await accountWideStreak(other.user.id, 95)
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => guess(other.user.email, `wrong-${i}`, `198.51.101.${i + 1}`)))
    expect(many.filter((response) => response.status === 401).length).toBeLessThanOrEqual(5)
    expect(many.filter((response) => response.status === 429).length).toBeGreaterThanOrEqual(15)
  })

  it("the owner's side: tokens keep working under a lock; a success clears their network's count and the account-wide one", async () => {
    const owner = await register()
    await accountWideStreak(owner.user.id, 40)
    for (let i = 0; i < 5; i++) await guess(owner.user.email, `wrong-${i}`, '192.0.2.60')
    expect((await guess(owner.user.email, PASSWORD, '192.0.2.60')).status).toBe(429)
    expect((await client(owner.token).GET('/api/profile')).response.status).toBe(200)
    // The owner mistypes twice at home, then gets it right.
    for (let i = 0; i < 2; i++) expect((await guess(owner.user.email, `typo-${i}`, '192.0.2.61')).status).toBe(401)
    expect((await guess(owner.user.email, PASSWORD, '192.0.2.61')).status).toBe(200)
    await expect.poll(async () => await rowOf(owner.user.id, '192.0.2.61')).toBeNull()
    expect((await rowOf(owner.user.id, '*'))?.failures).toBe(0)
    expect((await lockOf(owner.user.id))?.failed).toBe(0)
    // The attacker's network stays slowed.
    expect((await rowOf(owner.user.id, '192.0.2.60'))?.until).toBeGreaterThan(Date.now())
  })

  it('an attacker who keeps failing from one network waits longer each time: 1, then 2 minutes; an IPv6 /64 is one network', async () => {
    const victim = await register()
    for (let i = 0; i < 5; i++) await guess(victim.user.email, `wrong-${i}`, `2001:db8:1:2::${i + 1}`)
    const row = await rowOf(victim.user.id, '2001:db8:1:2::/64')
    const first = row!.until! - Date.now()
    await env.DB.prepare('UPDATE login_attempts SET locked_until = ? WHERE subject = ?')
      .bind(Date.now() - 1, victim.user.id)
      .run()
    for (let i = 0; i < 5; i++) await guess(victim.user.email, `again-${i}`, `2001:db8:1:2:ffff::${i + 1}`)
    const second = (await rowOf(victim.user.id, '2001:db8:1:2::/64'))!.until! - Date.now()
    expect(first).toBeLessThanOrEqual(60_000)
    expect(first).toBeGreaterThan(50_000)
    expect(second).toBeGreaterThan(110_000)
    expect(second).toBeLessThanOrEqual(120_000)
  })

  it("a reused Idempotency-Key is no password oracle: with the owner's key, wrong guesses are counted 401s, and a locked account's replay is a 429", async () => {
    const victim = await register()
    const key = crypto.randomUUID()
    const login = (password: string, ip: string) =>
      json('POST', '/api/auth/login', { email: victim.user.email, password }, { 'Idempotency-Key': key, ...from(ip) })
    expect((await login(PASSWORD, '198.51.100.1')).status).toBe(200)
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await login(`wrong-${i}`, '198.51.100.10')).status)
    // The same answers as without a key: five evaluated wrong guesses, then that network's lock.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429])
    expect((await rowOf(victim.user.id, '198.51.100.10'))?.failures).toBe(5)
    // While the account itself is locked, the right password under the owner's key is no replay either: the same 429.
    await accountWideStreak(victim.user.id, 99)
    expect((await login('wrong-again', '198.51.100.11')).status).toBe(401)
    const right = await login(PASSWORD, '198.51.100.99')
    expect(right.status).toBe(429)
    expect(right.headers.get('idempotent-replayed')).toBeNull()
  })
})
