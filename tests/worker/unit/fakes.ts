import type {
  EmailService,
  NewPost,
  NewUser,
  PostRepository,
  TokenService,
  UserChanges,
  UserRepository,
} from '../../../src/application/ports'
import { conflict, preconditionFailed } from '../../../src/domain/errors'
import type { Post } from '../../../src/domain/post'
import type { User } from '../../../src/domain/user'

/** In-memory ports: the use cases' rules, tested without D1. */
export function memoryUsers(): UserRepository & { passwords: Map<string, string> } {
  const rows = new Map<string, User>()
  const passwords = new Map<string, string>()
  const taken = (email: string, except?: string) => [...rows.values()].some((u) => u.email === email && u.id !== except)
  return {
    passwords,
    async list({ page, pageSize }) {
      const all = [...rows.values()]
      return { items: all.slice((page - 1) * pageSize, page * pageSize), total: all.length }
    },
    async get(id) {
      return rows.get(id) ?? null
    },
    async create({ password, ...fields }: NewUser) {
      if (taken(fields.email)) throw conflict('taken')
      const now = new Date().toISOString()
      const user = { id: crypto.randomUUID(), ...fields, version: 1, createdAt: now, updatedAt: now }
      rows.set(user.id, user)
      passwords.set(user.id, password)
      return user
    },
    async update(id, changes: UserChanges, ifVersion) {
      const user = rows.get(id)
      if (!user) return null
      if (ifVersion && !ifVersion.includes(user.version)) throw preconditionFailed()
      if (changes.email && taken(changes.email, id)) throw conflict('taken')
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined))
      const next = { ...user, ...defined, version: user.version + 1, updatedAt: new Date().toISOString() }
      rows.set(id, next)
      return next
    },
    async delete(id) {
      return rows.delete(id) ? { posts: [] } : null
    },
    async verifyCredentials(email, password) {
      const user = [...rows.values()].find((u) => u.email === email)
      return user && passwords.get(user.id) === password ? user : null
    },
  }
}

export function memoryPosts(authors: Set<string>): PostRepository {
  const rows = new Map<string, Post>()
  return {
    async list({ page, pageSize, authorId }) {
      const all = [...rows.values()].filter((p) => !authorId || p.authorId === authorId)
      return { items: all.slice((page - 1) * pageSize, page * pageSize), total: all.length }
    },
    async listByAuthor(authorId, request) {
      return authors.has(authorId) ? this.list({ ...request, authorId }) : null
    },
    async get(id) {
      return rows.get(id) ?? null
    },
    async create(post: NewPost) {
      if (!authors.has(post.authorId)) return null
      const now = new Date().toISOString()
      const row = { id: crypto.randomUUID(), ...post, version: 1, createdAt: now, updatedAt: now }
      rows.set(row.id, row)
      return row
    },
    async update(id, authorId, changes, ifVersion) {
      const post = rows.get(id)
      if (!post || post.authorId !== authorId) return null
      if (ifVersion && !ifVersion.includes(post.version)) throw preconditionFailed()
      const next = { ...post, ...changes, version: post.version + 1 }
      rows.set(id, next)
      return next
    },
    async delete(id, authorId) {
      return rows.get(id)?.authorId === authorId && rows.delete(id)
    },
  }
}

export const fakeTokens: TokenService = {
  async issue(user) {
    return { token: `token-for-${user.id}`, expiresAt: new Date(Date.now() + 3_600_000).toISOString() }
  },
  async verify(token) {
    return token.startsWith('token-for-') ? token.slice('token-for-'.length) : null
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
