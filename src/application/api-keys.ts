import type { Access } from '../domain/access'
import { type ApiKey, type KeyScope, MAX_ACTIVE_KEYS } from '../domain/api-key'
import { conflict, notFound } from '../domain/errors'
import { toPage, type Page, type PageRequest } from '../domain/page'
import type { ApiKeyRepository, ApiKeySecrets } from './ports'

type Deps = { apiKeys: ApiKeyRepository; keySecrets: ApiKeySecrets }
const DAY_MS = 24 * 60 * 60 * 1000

/** A new key for the caller (not a guest; a key hands on no scope it lacks); its secret is in the answer and nowhere else, ever. */
export async function createApiKey(
  { apiKeys, keySecrets }: Deps,
  access: Access,
  input: { name: string; scopes: KeyScope[]; expiresInDays?: number | undefined },
): Promise<{ key: ApiKey; secret: string }> {
  const secret = await keySecrets.issue()
  const expiresAt = input.expiresInDays === undefined ? null : new Date(access.now + input.expiresInDays * DAY_MS).toISOString()
  const scopes = [...new Set(input.scopes)]
  // With a login token, only a recent login mints a key: a stolen token cannot make itself a lasting credential.
  const guard = { access, permission: { write: true, grants: scopes, recentLogin: true } }
  const key = await apiKeys.create(guard, { name: input.name, scopes, expiresAt, secret }, MAX_ACTIVE_KEYS)
  if (!key) throw conflict(`You have ${MAX_ACTIVE_KEYS} active API keys, the most allowed; revoke one first`)
  return { key, secret: secret.secret }
}

/** One of the caller's keys (the answer to a create whose first answer was lost); null when it is gone. */
export async function findApiKey({ apiKeys }: Pick<Deps, 'apiKeys'>, access: Access, id: string): Promise<ApiKey | null> {
  return apiKeys.find({ access }, id)
}

export async function listApiKeys(
  { apiKeys }: Pick<Deps, 'apiKeys'>,
  access: Access,
  request: PageRequest<'createdAt'>,
): Promise<Page<ApiKey>> {
  const { items, total } = await apiKeys.list({ access }, request)
  return toPage(items, total, request)
}

/** Revokes one of the caller's keys: it is refused from the next request on. Always allowed, even to a guest. */
export async function revokeApiKey({ apiKeys }: Pick<Deps, 'apiKeys'>, access: Access, id: string): Promise<void> {
  if (!(await apiKeys.revoke({ access }, id))) throw notFound('API key')
}
