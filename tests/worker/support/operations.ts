// Requests for every operation of the registry, sent the way the document describes them. A table here is typed
// `Record<OperationId, …>`: an operation added to the contract and left out of it is a compile error.
import { env } from 'cloudflare:test'
import type { OperationId, Operations } from '../../../src/contract/operations'
import { documentOperation, fillPath } from '../../support/openapi'
import { call, client, PASSWORD, register, registerAdmin, uniqueEmail } from './api'

type Session = Awaited<ReturnType<typeof register>>

/** The rows a request acts on: `owner` owns `postId`; `other` is another plain user; `admin` is an admin. */
export interface World {
  owner: Session
  other: Session
  admin: { token: string; user: Session['user'] }
  postId: string
  /** An API key of the owner's, with every key scope. */
  ownerKey: { id: string; secret: string }
  /** A webhook endpoint of the owner's, and the delivery of a ping to it. */
  endpointId: string
  deliveryId: string
}

export async function makeWorld(): Promise<World> {
  const [owner, other, admin] = await Promise.all([register(), register(), registerAdmin()])
  const made = await client(owner.token).POST('/api/users/{id}/posts', {
    params: { path: { id: owner.user.id } },
    body: { title: 'Owned', body: 'A post of the owner' },
  })
  if (!made.data) throw new Error(`could not create the owner's post: ${made.response.status}`)
  const key = await client(owner.token).POST('/api/api-keys', {
    body: { name: 'World key', scopes: ['read', 'write', 'keys', 'webhooks'] },
  })
  if (!key.data) throw new Error(`could not create the owner's API key: ${key.response.status}`)
  const endpoint = await client(owner.token).POST('/api/webhook-endpoints', {
    body: { url: 'https://receiver.example/world', eventTypes: ['post.created'], description: 'World endpoint' },
  })
  if (!endpoint.data) throw new Error(`could not create the owner's webhook endpoint: ${endpoint.response.status}`)
  const ping = await client(owner.token).POST('/api/webhook-endpoints/{id}/ping', { params: { path: { id: endpoint.data.data.id } } })
  if (!ping.data) throw new Error(`could not ping the owner's webhook endpoint: ${ping.response.status}`)
  return {
    owner,
    other,
    admin,
    postId: made.data.data.id,
    ownerKey: { id: key.data.data.id, secret: key.data.data.secret },
    endpointId: endpoint.data.data.id,
    deliveryId: ping.data.data.id,
  }
}

export interface RequestSpec {
  path?: Record<string, string>
  query?: Record<string, string>
  headers?: Record<string, string>
  body?: unknown
}

/** Writes must say which version they change: `*` is any (If-Match is required on PUT, PATCH and DELETE). */
const anyVersion = { 'If-Match': '*' }

/** A valid request of each operation, acting on the owner's rows (fresh emails where an email must be unique). */
export const validRequests = {
  getHealth: () => ({}),
  register: () => ({ body: { email: uniqueEmail('new'), name: 'New User', password: PASSWORD } }),
  login: (w) => ({ body: { email: w.owner.user.email, password: w.owner.password } }),
  getProfile: () => ({}),
  listUsers: () => ({ query: { pageSize: '5' } }),
  getUser: (w) => ({ path: { id: w.owner.user.id } }),
  createUser: () => ({ body: { email: uniqueEmail('made'), name: 'Made', password: PASSWORD, role: 'user' } }),
  // The owner's own email: another address would need currentPassword (tested in users.test.ts).
  replaceUser: (w) => ({ path: { id: w.owner.user.id }, body: { email: w.owner.user.email, name: 'Replaced' }, headers: anyVersion }),
  updateUser: (w) => ({ path: { id: w.owner.user.id }, body: { name: 'Patched' }, headers: anyVersion }),
  deleteUser: (w) => ({ path: { id: w.owner.user.id }, headers: anyVersion }),
  listPosts: () => ({ query: { pageSize: '5' } }),
  getPost: (w) => ({ path: { id: w.postId } }),
  listUserPosts: (w) => ({ path: { id: w.owner.user.id } }),
  createUserPost: (w) => ({ path: { id: w.owner.user.id }, body: { title: 'New', body: 'A new post' } }),
  updateUserPost: (w) => ({ path: { id: w.owner.user.id, postId: w.postId }, body: { title: 'Edited' }, headers: anyVersion }),
  deleteUserPost: (w) => ({ path: { id: w.owner.user.id, postId: w.postId }, headers: anyVersion }),
  // Acting on the caller's own account: every actor of the world has the password PASSWORD.
  changePassword: () => ({ body: { currentPassword: PASSWORD, newPassword: 'A-brand-new-passw0rd' } }),
  logout: () => ({}),
  createApiKey: () => ({ body: { name: 'Integration', scopes: ['read'], expiresInDays: 30 } }),
  listApiKeys: () => ({ query: { pageSize: '5' } }),
  revokeApiKey: (w) => ({ path: { id: w.ownerKey.id } }),
  createWebhookEndpoint: () => ({ body: { url: 'https://receiver.example/hooks', eventTypes: ['post.created'], description: 'Sync' } }),
  listWebhookEndpoints: () => ({ query: { pageSize: '5' } }),
  getWebhookEndpoint: (w) => ({ path: { id: w.endpointId } }),
  updateWebhookEndpoint: (w) => ({ path: { id: w.endpointId }, body: { description: 'Changed' }, headers: anyVersion }),
  deleteWebhookEndpoint: (w) => ({ path: { id: w.endpointId }, headers: anyVersion }),
  rotateWebhookEndpointSecret: (w) => ({ path: { id: w.endpointId } }),
  pingWebhookEndpoint: (w) => ({ path: { id: w.endpointId } }),
  listWebhookDeliveries: (w) => ({ path: { id: w.endpointId }, query: { pageSize: '5' } }),
  retryWebhookDelivery: (w) => ({ path: { id: w.endpointId, deliveryId: w.deliveryId } }),
  listEvents: () => ({ query: { pageSize: '5' } }),
} satisfies Record<OperationId, (world: World) => RequestSpec>

/** Sends an operation's request as the document describes it: its method and path, JSON body, these headers. */
export function send(operationId: OperationId, spec: RequestSpec, headers: Record<string, string> = {}, rawBody?: string | Uint8Array) {
  const { method, path } = documentOperation(operationId)
  const query = new URLSearchParams(spec.query ?? {}).toString()
  const body = rawBody ?? (spec.body === undefined ? undefined : JSON.stringify(spec.body))
  return call(`${fillPath(path, spec.path ?? {})}${query ? `?${query}` : ''}`, {
    method: method.toUpperCase(),
    headers: {
      ...(body !== undefined && rawBody === undefined ? { 'content-type': 'application/json' } : {}),
      ...spec.headers,
      ...headers,
    },
    ...(body !== undefined ? { body } : {}),
  })
}

export const bearer = (token: string | undefined): Record<string, string> => (token ? { Authorization: `Bearer ${token}` } : {})

/** Operations that change something and need credentials: every one is in the ownership matrix. */
export type MutatingOperationId = {
  // `security: []` (public) is typed never[]; a requirement such as [{ bearerAuth: [] }] is not.
  [K in OperationId]: Operations[K] extends { method: 'get' } ? never : Operations[K] extends { security: never[] } ? never : K
}[OperationId]

/** Everything a refused request must leave as it was: row counts and every row's version. */
export async function snapshot() {
  const [counts] = await env.DB.batch<Record<string, number>>([
    env.DB.prepare(
      `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM posts) AS posts,
        (SELECT count(*) FROM idempotency_keys) AS keys,
        (SELECT coalesce(sum(version), 0) FROM users) AS userVersions, (SELECT coalesce(sum(version), 0) FROM posts) AS postVersions`,
    ),
  ])
  return counts?.results[0]
}
