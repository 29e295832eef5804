import { assertCanGrant, assertScopes, type Credential, type KeyScope, type Scope } from './api-key'
import { reauthenticationRequired, unauthorized } from './errors'
import { assertAdmin, assertCanActAs, assertCanSetRole, assertCanWrite, type Role, type User } from './user'

/**
 * Who a request says it comes from, as far as can be told without the database: a login token whose signature and
 * expiry hold, or an API key this API issued. Whether that user still exists, with that role, and the key is still
 * valid, the database says, in the same round trip as the operation itself.
 */
export type Principal = { kind: 'token'; userId: string; generation: number; issuedAt: number } | { kind: 'key'; hash: string }

/** How long after a login a token may still do what needs a recent login (minting a key, deleting its own account). */
const RECENT_LOGIN_SECONDS = 5 * 60

/** A login token issued (`iat`, epoch seconds) at most RECENT_LOGIN_SECONDS before `now`; an API key never is one. */
export const loggedInRecently = (principal: Principal, now: number) =>
  principal.kind === 'token' && now / 1000 - principal.issuedAt <= RECENT_LOGIN_SECONDS

/** A principal, the scopes the operation requires of its credential, and the instant the request is judged at. */
export interface Access {
  principal: Principal
  scopes: readonly Scope[]
  /** Epoch ms: a key's expiry is compared with it, in SQL and here alike. */
  now: number
  /** The client's network (its address, an IPv6 one's /64): password attempts are counted against it. */
  address: string
  /** The caller, once the database has confirmed them (the first statement of the operation's own round trip). */
  confirmed?: Caller
}

/**
 * What an operation requires of its caller, beyond the scopes, as data: checked in SQL in the same statement as the
 * write (so a caller who lost the right a moment ago writes nothing), and again here to say why when nothing was written.
 */
export interface Permission {
  /** Not a guest. */
  write?: boolean
  /** An admin only. */
  admin?: boolean
  /** This user, or an admin. */
  actAs?: string
  /** Keeps the caller's own role, or is an admin. */
  setRole?: Role | undefined
  /** An API key creating another may hand on only scopes it holds. */
  grants?: readonly KeyScope[]
  /** A login token must come from a login of the last few minutes (RECENT_LOGIN_SECONDS); API keys are not asked. */
  recentLogin?: boolean
}

/** The caller as the database found them: the user as stored now and what their credential may do. */
export interface Caller {
  user: User
  credential: Credential
  /** For an API key: when it was last used, so its use is recorded at most once a minute. */
  keyLastUsedAt?: string | null
}

/**
 * The caller, when they may do what the permission says; otherwise 401 (no such caller now, `refusal` saying why when
 * it is known) or 403 (not allowed).
 */
export function authorize(caller: Caller | null, access: Access, permission: Permission = {}, refusal?: string): Caller {
  if (!caller) {
    throw unauthorized(
      refusal ??
        (access.principal.kind === 'key'
          ? 'The API key is not valid (unknown, revoked, expired, or its owner was deleted)'
          : 'The token is not valid any more (signed out, its password changed, or its user deleted)'),
    )
  }
  access.confirmed = caller
  assertScopes(caller.credential, access.scopes)
  if (permission.admin) assertAdmin(caller.user)
  if (permission.actAs !== undefined) assertCanActAs(caller.user, permission.actAs)
  if (permission.write) assertCanWrite(caller.user)
  if (permission.setRole !== undefined) assertCanSetRole(caller.user, permission.setRole)
  if (permission.grants) assertCanGrant(caller.credential, permission.grants)
  if (permission.recentLogin && access.principal.kind === 'token' && !loggedInRecently(access.principal, access.now)) {
    throw reauthenticationRequired(
      `This needs a login of the last ${RECENT_LOGIN_SECONDS / 60} minutes: log in again (POST /api/auth/login) and retry with the new token`,
    )
  }
  return caller
}
