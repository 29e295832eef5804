// Authorization is stated twice on purpose: in SQL, as the guard a write carries in its WHERE (so a caller who lost a
// right writes nothing, in the same round trip), and in the domain's authorize(), which reads the caller from the same
// transaction to say why. They must never disagree. For random callers (roles, token generations, API keys with any
// scopes, revoked or expired), random permissions and three shapes of guarded write, against the real D1: the answer is
// what authorize() says of the caller as the test knows them (so the caller's row is read right too), and a row was
// written exactly when it was allowed.
import { env } from 'cloudflare:test'
import { drizzle } from 'drizzle-orm/d1'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Guard } from '../../src/application/ports'
import { authorize, type Access, type Caller, type Permission, type Principal } from '../../src/domain/access'
import { keyScopes, MAX_ACTIVE_KEYS, scopes, tokenCredential, type KeyScope } from '../../src/domain/api-key'
import { DomainError } from '../../src/domain/errors'
import type { Role, User } from '../../src/domain/user'
import { apiKeySecrets } from '../../src/infrastructure/api-key-secrets'
import { D1ApiKeyRepository } from '../../src/infrastructure/d1/api-keys'
import { D1PostRepository } from '../../src/infrastructure/d1/posts'
import { D1UserRepository } from '../../src/infrastructure/d1/users'

const seed = Number(env.PROPERTY_SEED)
const runs = Number(env.PROPERTY_RUNS)
const roles: Role[] = ['admin', 'user', 'guest']
const db = drizzle(env.DB)
const users = new D1UserRepository(db)
const posts = new D1PostRepository(db)
const keys = new D1ApiKeyRepository(db)
const keySecret = () => apiKeySecrets('a-test-secret-of-at-least-32-characters!').issue()

let target = ''
let targetPost = ''
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

type DrawnCredential =
  | { kind: 'token'; role: Role; staleGeneration: boolean; oldLogin: boolean }
  | { kind: 'key'; role: Role; held: KeyScope[]; state: 'active' | 'revoked' | 'expired' }

const credentials: fc.Arbitrary<DrawnCredential> = fc.oneof(
  fc.record({
    kind: fc.constant('token' as const),
    role: fc.constantFrom(...roles),
    staleGeneration: fc.boolean(),
    oldLogin: fc.boolean(),
  }),
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
    recentLogin: fc.boolean(),
  },
  { requiredKeys: [] },
)

/** Three guarded writes of different shapes: an UPDATE, an UPDATE of another table, an INSERT … SELECT for the caller. */
const operations = {
  updateUser: {
    run: (guard: Guard) =>
      users.update(guard, target, { name: 'Guarded' }, undefined, { emailConfirmed: false }).then((user) => user !== null),
    written: () => version(target),
  },
  updatePost: {
    run: (guard: Guard) => posts.update(guard, targetPost, target, { title: 'Guarded' }).then((post) => post !== null),
    written: async () => (await env.DB.prepare('SELECT version FROM posts WHERE id = ?').bind(targetPost).first<number>('version')) ?? 0,
  },
  createApiKey: {
    run: async (guard: Guard) => {
      const made = await keys.create(
        guard,
        { name: 'guard made', scopes: ['read'], expiresAt: null, secret: await keySecret() },
        MAX_ACTIVE_KEYS,
      )
      // Revoked at once, so the callers never reach their limit of active keys.
      await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE name = 'guard made'").bind(new Date().toISOString()).run()
      return made !== null
    },
    written: async () => (await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE name = 'guard made'").first<number>('n')) ?? 0,
  },
}

/** What authorize() says of the caller as this test knows it (not as the database is read): allowed, or the refusal's code. */
function expected(credential: DrawnCredential, self: string, access: Access, permission: Permission) {
  const user = { id: self, role: credential.role } as User
  const caller: Caller | null =
    credential.kind === 'token'
      ? credential.staleGeneration
        ? null
        : { user, credential: tokenCredential }
      : credential.state === 'active'
        ? { user, credential: { kind: 'key', scopes: credential.held, keyId: 'known' } }
        : null
  try {
    authorize(caller, access, permission)
    return 'allowed'
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error)
  }
}

describe('the SQL guard and authorize() agree', () => {
  beforeAll(async () => {
    const make = (role: Role) =>
      users.create({ email: `guard-${role}-${crypto.randomUUID()}@example.com`, name: `Guard ${role}`, role, password: 'Guard-passw0rd!' })
    const made = await Promise.all([make('admin'), make('user'), make('guest'), make('user')])
    ;[people.admin, people.user, people.guest, target] = made.map((user) => user.id) as [string, string, string, string]
    targetPost = crypto.randomUUID()
    const at = new Date().toISOString()
    await env.DB.prepare('INSERT INTO posts (id, user_id, title, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .bind(targetPost, target, 'Target', 'A post of the target', at, at)
      .run()
  })

  it(
    'for every caller, permission and write: allowed and written, or refused for the reason authorize() gives and unwritten',
    { timeout: 120_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(
          credentials,
          permissions,
          fc.subarray([...scopes]),
          fc.constantFrom(...(Object.keys(operations) as (keyof typeof operations)[])),
          async (credential, drawn, required, operation) => {
            const now = Date.now()
            const self = people[credential.role]
            const principal: Principal =
              credential.kind === 'token'
                ? {
                    kind: 'token',
                    userId: self,
                    generation: credential.staleGeneration ? 7 : 0,
                    issuedAt: Math.floor(now / 1000) - (credential.oldLogin ? 3_600 : 60),
                  }
                : { kind: 'key', hash: await insertKey(self, credential.held, credential.state, now) }
            const access: Access = { principal, scopes: required, now, address: '192.0.2.1' }
            const permission: Permission = {
              ...(drawn.write ? { write: true } : {}),
              ...(drawn.admin ? { admin: true } : {}),
              ...(drawn.actAs ? { actAs: drawn.actAs === 'self' ? self : target } : {}),
              ...(drawn.setRole ? { setRole: drawn.setRole } : {}),
              ...(drawn.grants ? { grants: drawn.grants } : {}),
              ...(drawn.recentLogin ? { recentLogin: true } : {}),
            }
            const { run, written } = operations[operation]
            const before = await written()
            const outcome = await run({ access, permission }).then(
              (done) => (done ? 'allowed' : 'unwritten though allowed'),
              (error: unknown) => (error instanceof DomainError ? error.code : String(error)),
            )
            const after = await written()
            // The drawn key goes, so the callers' keys never reach their limit of active ones.
            if (principal.kind === 'key') await env.DB.prepare('DELETE FROM api_keys WHERE hash = ?').bind(principal.hash).run()
            expect(outcome, `${operation}: the answer`).toBe(expected(credential, self, access, permission))
            expect(after - before, `${operation}: rows written`).toBe(outcome === 'allowed' ? 1 : 0)
          },
        ),
        { seed, numRuns: Math.max(runs, 1000) },
      )
    },
  )
})
