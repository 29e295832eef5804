// Authorization is stated twice on purpose: in SQL, as the guard a write carries in its WHERE (so a caller who lost a
// right writes nothing, in the same round trip), and in the domain's authorize(), which reads the caller from the same
// transaction to say why. They must never disagree. For random callers (roles, token generations, API keys with any
// scopes, revoked or expired) and random permissions, against the real D1: either the write happened and nothing was
// refused, or it was refused (401 or 403) and nothing was written.
import { env } from 'cloudflare:test'
import { drizzle } from 'drizzle-orm/d1'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Guard } from '../../src/application/ports'
import type { Access, Permission, Principal } from '../../src/domain/access'
import { keyScopes, scopes, type KeyScope } from '../../src/domain/api-key'
import { DomainError } from '../../src/domain/errors'
import type { Role } from '../../src/domain/user'
import { D1UserRepository } from '../../src/infrastructure/d1/users'

const seed = Number(env.PROPERTY_SEED)
const runs = Number(env.PROPERTY_RUNS)
const roles: Role[] = ['admin', 'user', 'guest']
const db = drizzle(env.DB)
const users = new D1UserRepository(db)

let target = ''
const people: Record<Role, string> = { admin: '', user: '', guest: '' }

async function insertKey(userId: string, keyScopesHeld: readonly KeyScope[], state: 'active' | 'revoked' | 'expired', now: number) {
  const hash = crypto.randomUUID()
  const expiresAt = state === 'expired' ? new Date(now - 1000).toISOString() : new Date(now + 3_600_000).toISOString()
  await env.DB.prepare(
    `INSERT INTO api_keys (id, user_id, name, prefix, last4, hash, scopes, created_at, expires_at, revoked_at)
     VALUES (?, ?, 'guard test', 'cfak_x', 'xxxx', ?, ?, ?, ?, ?)`,
  )
    .bind(
      crypto.randomUUID(),
      userId,
      hash,
      keyScopesHeld.join(','),
      new Date(now).toISOString(),
      expiresAt,
      state === 'revoked' ? new Date(now).toISOString() : null,
    )
    .run()
  return hash
}

const version = async (id: string) =>
  (await env.DB.prepare('SELECT version FROM users WHERE id = ?').bind(id).first<number>('version')) ?? 0

const credentials = fc.oneof(
  fc.record({ kind: fc.constant('token' as const), role: fc.constantFrom(...roles), staleGeneration: fc.boolean() }),
  fc.record({
    kind: fc.constant('key' as const),
    role: fc.constantFrom(...roles),
    held: fc.subarray([...keyScopes], { minLength: 1 }),
    state: fc.constantFrom('active' as const, 'revoked' as const, 'expired' as const),
  }),
)

const permissions = fc.record(
  {
    write: fc.boolean(),
    admin: fc.boolean(),
    actAs: fc.constantFrom('self', 'target'),
    setRole: fc.constantFrom(...roles),
    grants: fc.subarray([...keyScopes]),
  },
  { requiredKeys: [] },
)

describe('the SQL guard and authorize() agree', () => {
  beforeAll(async () => {
    const make = (role: Role) =>
      users.create({ email: `guard-${role}-${crypto.randomUUID()}@example.com`, name: `Guard ${role}`, role, password: 'Guard-passw0rd!' })
    const made = await Promise.all([make('admin'), make('user'), make('guest'), make('user')])
    ;[people.admin, people.user, people.guest, target] = made.map((user) => user.id) as [string, string, string, string]
  })

  it('for every caller and permission: written and allowed, or refused and unwritten', async () => {
    await fc.assert(
      fc.asyncProperty(credentials, permissions, fc.subarray([...scopes]), async (credential, drawn, required) => {
        const now = Date.now()
        const self = people[credential.role]
        const principal: Principal =
          credential.kind === 'token'
            ? { kind: 'token', userId: self, generation: credential.staleGeneration ? 7 : 0 }
            : { kind: 'key', hash: await insertKey(self, credential.held, credential.state, now) }
        const access: Access = { principal, scopes: required, now }
        const permission: Permission = {
          ...(drawn.write ? { write: true } : {}),
          ...(drawn.admin ? { admin: true } : {}),
          ...(drawn.actAs ? { actAs: drawn.actAs === 'self' ? self : target } : {}),
          ...(drawn.setRole ? { setRole: drawn.setRole } : {}),
          ...(drawn.grants ? { grants: drawn.grants } : {}),
        }
        const guard: Guard = { access, permission }
        const before = await version(target)
        const outcome = await users.update(guard, target, { name: 'Guarded' }, undefined, { emailConfirmed: false }).then(
          (user) => ({ written: user !== null }),
          (error: unknown) => ({ refused: error instanceof DomainError ? error.code : String(error) }),
        )
        const after = await version(target)
        if ('written' in outcome) {
          expect(outcome.written, 'the guard refused what authorize() allowed').toBe(true)
          expect(after).toBe(before + 1)
        } else {
          expect(['UNAUTHORIZED', 'FORBIDDEN']).toContain(outcome.refused)
          expect(after, `authorize() refused (${outcome.refused}) what the guard let through`).toBe(before)
        }
      }),
      { seed, numRuns: Math.max(runs, 1000) },
    )
  })
})
