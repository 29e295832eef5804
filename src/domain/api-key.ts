import { forbidden } from './errors'

/**
 * What a credential may do. A login token holds them all; an API key holds those it was created with, never `session`
 * (changing the password and signing out need the person, not an integration).
 */
export const scopes = ['read', 'write', 'keys', 'webhooks', 'session'] as const
export type Scope = (typeof scopes)[number]
/** The scopes an API key can be given. */
export const keyScopes = ['read', 'write', 'keys', 'webhooks'] as const satisfies readonly Scope[]
export type KeyScope = (typeof keyScopes)[number]

export interface ApiKey {
  id: string
  userId: string
  name: string
  /** The start of the secret (its recognisable prefix and a few characters) and its last four: enough to tell keys apart. */
  prefix: string
  last4: string
  scopes: KeyScope[]
  createdAt: string
  expiresAt: string | null
  lastUsedAt: string | null
}

/** At most this many active keys per user. */
export const MAX_ACTIVE_KEYS = 25

/** The credential a request came with: a login token (every scope) or an API key (its own). */
export interface Credential {
  kind: 'token' | 'key'
  scopes: readonly Scope[]
  keyId?: string
}

export const tokenCredential: Credential = { kind: 'token', scopes }

/** The operation needs these scopes; a credential without one of them is refused (403). */
export function assertScopes(credential: Credential, required: readonly Scope[]): void {
  const missing = required.filter((scope) => !credential.scopes.includes(scope))
  if (missing.length) {
    throw forbidden(
      `This ${credential.kind === 'key' ? 'API key' : 'credential'} lacks the ${missing.join(', ')} scope${missing.length > 1 ? 's' : ''}`,
    )
  }
}

/** A key can hand on only what its creator holds: an API key never creates one with more scopes than its own. */
export function assertCanGrant(credential: Credential, requested: readonly KeyScope[]): void {
  const beyond = requested.filter((scope) => !credential.scopes.includes(scope))
  if (beyond.length) throw forbidden(`An API key cannot grant scopes it does not hold: ${beyond.join(', ')}`)
}

/**
 * Expired at `now`: compared as the ISO 8601 UTC strings this API writes (`toISOString()`), exactly as the SQL guard
 * compares them, so the two can never disagree (revoked keys are never found).
 */
export const isExpired = (key: Pick<ApiKey, 'expiresAt'>, now: number) =>
  key.expiresAt !== null && key.expiresAt <= new Date(now).toISOString()
