/**
 * The one table of errors: every code the API can send, with its HTTP status and its entry in the docs (title, when
 * it happens, what to do). The code enum, the status map, the status type and the per-status response descriptions
 * are all derived from it (errors/responses.ts), and every error body links here (`error.docs`).
 */
interface CatalogueEntry {
  status: number
  title: string
  /** When the API answers with this code. */
  when: string
  /** What the client should do about it. */
  action: string
}

export const errorCatalogue = {
  VALIDATION_ERROR: {
    status: 400,
    title: 'The request is invalid',
    when: 'A body field, query or path parameter or header breaks the schema: a wrong type, a value out of range, a missing required field or an unknown field.',
    action:
      'Fix the input and send it again; `details` lists each problem with its `field` and where it was (`in`). Do not retry unchanged.',
  },
  INVALID_JSON: {
    status: 400,
    title: 'The body is not JSON',
    when: 'The body of a JSON request is empty or does not parse.',
    action: 'Send a well-formed JSON object with `Content-Type: application/json`.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Only JSON is accepted',
    when: 'A request with a body has a `Content-Type` other than `application/json`, or none.',
    action: 'Set `Content-Type: application/json`.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'The body is too large',
    when: 'The request body is over 64 KiB.',
    action: 'Send less; no field of this API needs more.',
  },
  UNAUTHORIZED: {
    status: 401,
    title: 'Authentication required',
    when: 'The bearer credential is missing or malformed; a login token that is expired (or has no expiry, or an expiry more than the one hour of its life ahead), signed with another key, signed out, or names a user that no longer exists; or an API key that is unknown, revoked, expired, or whose owner was deleted.',
    action: 'Log in again (`POST /api/auth/login`) and send `Authorization: Bearer <token>`; for an integration, create a new API key.',
  },
  INVALID_CREDENTIALS: {
    status: 401,
    title: 'Wrong email or password',
    when: 'Login with an unknown email or a wrong password (the API does not say which).',
    action: 'Ask the user to check both. Repeated failures are rate limited.',
  },
  FORBIDDEN: {
    status: 403,
    title: 'Not allowed',
    when: 'You are signed in but may not do this: acting on another user, a non-admin creating users or changing a role, a guest writing, or a credential without the scope the operation needs (an API key made read-only, say).',
    action: 'Do not retry; the answer will not change without another role.',
  },
  REAUTHENTICATION_REQUIRED: {
    status: 403,
    title: 'Prove it is you again',
    when: 'Changing an email or a password without `currentPassword`, or with a wrong one; or creating an API key, or deleting your own account, with a login token from a login more than 5 minutes ago.',
    action:
      'Ask the user for their current password and send it as `currentPassword` (wrong ones count towards the account lock, as failed logins do); for a key or an account deletion, log in again and retry with the new token.',
  },
  QUOTA_EXCEEDED: {
    status: 403,
    title: 'Your account is full',
    when: 'Creating a post beyond the 10,000 an account may keep, or creating or lengthening one beyond the 10 MiB (10,485,760 bytes of UTF-8) that the titles and bodies of its posts may take together.',
    action: 'Delete or shorten some of the posts of the account first; shortening a post is always allowed. Do not retry unchanged.',
  },
  NOT_FOUND: {
    status: 404,
    title: 'No such resource',
    when: 'The id does not exist, the post does not belong to that user, or the path is not an operation of this API.',
    action: 'Check the id and path. Do not retry unchanged.',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    title: 'Method not allowed here',
    when: 'The path exists but not with this HTTP method.',
    action: 'Use one of the methods in the `Allow` header.',
  },
  CONFLICT: {
    status: 409,
    title: 'Conflicts with the current state',
    when: 'The request conflicts with what is stored: the email is already taken, or the resource that an earlier request with the same Idempotency-Key created has since been deleted.',
    action: 'Do not retry unchanged: choose another email, or use a new Idempotency-Key for a new request.',
  },
  IDEMPOTENCY_KEY_IN_USE: {
    status: 409,
    title: 'A request with this Idempotency-Key is still running',
    when: 'A request with the same Idempotency-Key is being processed, or its outcome is not known yet (its first attempt stopped before it could be told apart).',
    action:
      'Retry the very same request, with the same key, after `Retry-After` seconds (at most the 30-second lease the first attempt holds).',
  },
  PRECONDITION_FAILED: {
    status: 412,
    title: 'Changed since you read it',
    when: 'The `If-Match` tag no longer matches the resource: someone else changed it.',
    action: 'GET the resource again, re-apply your change to the fresh copy, and send it with the new ETag.',
  },
  PRECONDITION_REQUIRED: {
    status: 428,
    title: 'If-Match is required',
    when: 'A PUT, PATCH or DELETE of a user or a post came without an `If-Match` header (or with an empty one).',
    action: 'Send the `ETag` you read as `If-Match` (GET the resource for it), or `*` to change whatever version is there.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency-Key reused',
    when: 'The key was already used with a different request (another body or path) within 24 hours.',
    action: 'Use a new key for a new request; reuse a key only to retry the very same request.',
  },
  INVALID_CURSOR: {
    status: 422,
    title: 'Not a cursor of this listing',
    when: 'The `cursor` is well-formed but this listing did not issue it: it was altered, made up, or came from another listing (another path or filter).',
    action:
      'Send `meta.nextCursor` back exactly as received, to the operation that sent it; or start again from the first page without a cursor.',
  },
  RATE_LIMITED: {
    status: 429,
    title: 'Too many requests',
    when: 'More than the allowed requests: 300 a minute per user, key or address; 5 logins a minute per address; 5 registrations a minute per address or email; or too many failed password attempts in a row (logins, or `currentPassword`): 5 from one network (an IPv4 address, an IPv6 /64) lock that network out of that account, 100 from all networks together lock the account for everyone, each for 1, 2, 4, 8, then 16 minutes. An email no account has is counted and locked exactly as a real one.',
    action: 'Wait `Retry-After` seconds, then retry; back off exponentially if it happens again.',
  },
  INTERNAL_ERROR: {
    status: 500,
    title: 'Unexpected error',
    when: 'A bug on our side. Nothing about it is in the body; the request id finds it in our logs.',
    action: 'Retry later with backoff (with the same Idempotency-Key for a POST); report it with the `X-Request-Id` if it persists.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    title: 'Temporarily unavailable',
    when: 'A dependency (the database, or the sign-in rate limiter) failed or did not answer, or the service is misconfigured (`GET /health` names which). A write may have been carried out all the same: the database can commit and still lose its answer.',
    action:
      'Retry after `Retry-After` seconds, with backoff. Retry a POST with the same `Idempotency-Key` (it replays what was done, or does it once), and a PUT, PATCH or DELETE with the same `If-Match` (a 412 then means the first attempt was applied: read the resource again).',
  },
} as const satisfies Record<string, CatalogueEntry>

export type ErrorCodeValue = keyof typeof errorCatalogue
/** Every code, in catalogue order (the order of the ErrorCode enum in the document). */
export const errorCodes = Object.keys(errorCatalogue) as [ErrorCodeValue, ...ErrorCodeValue[]]
/** Every status an error can be sent with. */
export type ErrorStatus = (typeof errorCatalogue)[ErrorCodeValue]['status']

/** The status a code is always sent with. */
export const statusOf = (code: ErrorCodeValue): ErrorStatus => errorCatalogue[code].status

/** The codes sent with a status, in catalogue order. */
export const codesWithStatus = (status: ErrorStatus): ErrorCodeValue[] => errorCodes.filter((code) => statusOf(code) === status)

/** The anchor of a code's catalogue entry in the docs page. */
export const errorAnchor = (code: ErrorCodeValue) => `error-${code.toLowerCase().replace(/_/g, '-')}`

/** The catalogue as Markdown, for the document's description. */
export function errorCatalogueMarkdown(): string {
  const entries = errorCodes.map((code) => {
    const entry = errorCatalogue[code]
    return `### <a id="${errorAnchor(code)}"></a>${code}: ${entry.title}\n**When:** ${entry.when}\n\n**What to do:** ${entry.action}`
  })
  return `## Errors\nEvery error body is \`{ "error": { "code", "message", "details"?, "docs" }, "meta" }\`; \`docs\` links to the entry below.\n\n${entries.join('\n\n')}`
}
