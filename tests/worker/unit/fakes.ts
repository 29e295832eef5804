import type {
  ApiKeyRepository,
  Guard,
  ApiKeySecrets,
  Credentials,
  EmailService,
  NewPost,
  NewUser,
  PostRepository,
  TokenService,
  UserChanges,
  UserRepository,
  Welcomes,
} from '../../../src/application/ports'
import { conflict, preconditionFailed, reauthenticationRequired } from '../../../src/domain/errors'
import type { Post } from '../../../src/domain/post'
import { type Access, authorize } from '../../../src/domain/access'
import { tokenCredential } from '../../../src/domain/api-key'
import type { User } from '../../../src/domain/user'

/** A login token's access for this user at this token generation (the fakes know only tokens). */
export const tokenAccess = (user: Pick<User, 'id'>, generation = 0): Access => ({
  principal: { kind: 'token', userId: user.id, generation, issuedAt: Math.floor(Date.now() / 1000) },
  scopes: ['read', 'write', 'keys', 'session'],
  now: Date.now(),
  address: '192.0.2.1',
})

type MemoryUsers = UserRepository & { passwords: Map<string, string>; generations: Map<string, number>; check(guard: Guard): User }

/** In-memory ports: the use cases' rules, tested without D1. A guard is checked by the domain's authorize, as D1 does. */
export function memoryUsers(): MemoryUsers {
  const rows = new Map<string, User>()
  const passwords = new Map<string, string>()
  const generations = new Map<string, number>()
  const taken = (email: string, except?: string) => [...rows.values()].some((u) => u.email === email && u.id !== except)
  const check = ({ access, permission }: Guard) => {
    const { principal } = access
    const user = principal.kind === 'token' ? rows.get(principal.userId) : undefined
    const valid = user && principal.kind === 'token' && (generations.get(user.id) ?? 0) === principal.generation
    return authorize(valid ? { user, credential: tokenCredential } : null, access, permission).user
  }
  return {
    passwords,
    generations,
    check,
    async caller(guard) {
      return { user: check(guard), credential: tokenCredential }
    },
    async list({ page, pageSize }) {
      const all = [...rows.values()]
      return { items: all.slice((page - 1) * pageSize, page * pageSize + 1), total: all.length }
    },
    async get(id) {
      return rows.get(id) ?? null
    },
    async create({ password, ...fields }: NewUser, guard) {
      if (guard) check(guard)
      if (taken(fields.email)) throw conflict('taken')
      const now = new Date().toISOString()
      const user = { id: crypto.randomUUID(), ...fields, version: 1, createdAt: now, updatedAt: now }
      rows.set(user.id, user)
      passwords.set(user.id, password)
      return user
    },
    async update(guard, id, changes: UserChanges, ifVersion, { emailConfirmed }) {
      check(guard)
      const user = rows.get(id)
      if (!user) return null
      if (ifVersion && !ifVersion.includes(user.version)) throw preconditionFailed()
      if (changes.email && !emailConfirmed && changes.email.toLowerCase() !== user.email.toLowerCase()) throw reauthenticationRequired()
      if (changes.email && taken(changes.email, id)) throw conflict('taken')
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined))
      const next = { ...user, ...defined, version: user.version + 1, updatedAt: new Date().toISOString() }
      rows.set(id, next)
      return next
    },
    async delete(guard, id) {
      check(guard)
      return rows.delete(id) ? { posts: [] } : null
    },
  }
}

/** Passwords and sessions over the in-memory users (no locks: those are D1's, and tested through the Worker). */
export function memoryCredentials(users: MemoryUsers): Credentials {
  const { generations } = users
  return {
    async attemptPassword(account, password) {
      const found =
        'caller' in account
          ? users.check(account.caller)
          : (await users.list({ page: 1, pageSize: 1000, sort: 'createdAt', order: 'asc' })).items.find(
              (u) => u.email.toLowerCase() === account.email.toLowerCase(),
            )
      if (!found || users.passwords.get(found.id) !== password) return { outcome: 'refused' }
      return { outcome: 'accepted', user: found, tokenGeneration: generations.get(found.id) ?? 0 }
    },
    async passwordAccepted() {},
    async attemptLost() {},
    async changePassword(guard, password) {
      const user = users.check(guard)
      users.passwords.set(user.id, password)
      generations.set(user.id, (generations.get(user.id) ?? 0) + 1)
      return { user, tokenGeneration: generations.get(user.id)! }
    },
    async endSessions(guard) {
      const { id } = users.check(guard)
      generations.set(id, (generations.get(id) ?? 0) + 1)
    },
  }
}

/** Posts whose authors are the given users; a guard is checked against them. */
export function memoryPosts(users: MemoryUsers): PostRepository {
  const rows = new Map<string, Post>()
  const authors = { has: (id: string) => users.get(id).then(Boolean) }
  return {
    async list({ page, pageSize, authorId }) {
      const all = [...rows.values()].filter((p) => !authorId || p.authorId === authorId)
      return { items: all.slice((page - 1) * pageSize, page * pageSize + 1), total: all.length }
    },
    async listByAuthor(authorId, request) {
      return (await authors.has(authorId)) ? this.list({ ...request, authorId }) : null
    },
    async get(id) {
      return rows.get(id) ?? null
    },
    async create(guard, post: NewPost) {
      users.check(guard)
      if (!(await authors.has(post.authorId))) return null
      const now = new Date().toISOString()
      const row = { id: crypto.randomUUID(), ...post, version: 1, createdAt: now, updatedAt: now }
      rows.set(row.id, row)
      return row
    },
    async update(guard, id, authorId, changes, ifVersion) {
      users.check(guard)
      const post = rows.get(id)
      if (!post || post.authorId !== authorId) return null
      if (ifVersion && !ifVersion.includes(post.version)) throw preconditionFailed()
      const next = { ...post, ...changes, version: post.version + 1 }
      rows.set(id, next)
      return next
    },
    async delete(guard, id, authorId) {
      users.check(guard)
      return rows.get(id)?.authorId === authorId && rows.delete(id)
    },
  }
}

export const fakeTokens: TokenService = {
  async issue(user, generation) {
    return { token: `token-for-${user.id}@${generation}`, expiresAt: new Date(Date.now() + 3_600_000).toISOString() }
  },
  async verify(token) {
    const match = /^token-for-(.+)@([0-9]+)$/.exec(token)
    return match ? { userId: match[1]!, generation: Number(match[2]), issuedAt: Math.floor(Date.now() / 1000) } : null
  },
}

export function recordingEmail(fail = false): EmailService & { sent: string[] } {
  const sent: string[] = []
  return {
    sent,
    async sendWelcome(to) {
      if (fail) throw new Error('provider down')
      sent.push(to.email)
    },
  }
}

/** For use cases that take API keys but are tested with login tokens only: any use of them fails the test. */
const unused = () => Promise.reject(new Error('API keys are not used in this test'))
export const noApiKeys: { apiKeys: ApiKeyRepository; keySecrets: ApiKeySecrets } = {
  apiKeys: { create: unused, list: unused, find: unused, revoke: unused, touch: unused },
  keySecrets: { looksLikeKey: () => false, issue: unused, recognise: unused },
}

/** Welcomes recorded in memory: the ids whose email was sent. */
export function memoryWelcomes(): Welcomes & { welcomed: string[] } {
  const welcomed: string[] = []
  return {
    welcomed,
    async sent(userId) {
      welcomed.push(userId)
    },
    async pending() {
      return []
    },
  }
}
