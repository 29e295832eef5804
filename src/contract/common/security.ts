/**
 * The one security scheme: `Authorization: Bearer <credential>`, where the credential is a login token or an API key.
 * Each operation's requirement names the scope it needs (OpenAPI 3.1 allows role names for non-OAuth schemes): a login
 * token holds every scope; an API key holds those it was created with, never `session`.
 */
export const bearerAuth = {
  type: 'http' as const,
  scheme: 'bearer',
  bearerFormat: 'JWT or API key',
  description: [
    'Two kinds of credential, both sent as `Authorization: Bearer <credential>`:',
    '- **A login token**, from `POST /api/auth/login` or `POST /api/auth/register`: an HS256 JWT handled as RFC 8725 advises (the algorithm is pinned, so `none` and algorithm switching are refused; a token without `exp` is refused). It lasts an hour and holds every scope. Signing out or changing the password ends it.',
    '- **An API key**, from `POST /api/api-keys`: `cfak_` and 51 letters and digits, for integrations that run unattended. It acts as its owner, limited to its scopes, until it expires or is revoked. Keys have their own rate limit, and no login limits.',
    "Scopes, named in each operation's security requirement: `read` (reading your profile), `write` (creating, changing and deleting users and posts), `keys` (managing API keys), `webhooks` (managing webhook endpoints and reading their deliveries), `session` (changing the password and signing out: login tokens only). A credential without the scope an operation needs gets 403 FORBIDDEN.",
  ].join('\n\n'),
}

/** The security requirement of an operation that needs this scope. */
export const needs = (scope: 'read' | 'write' | 'keys' | 'webhooks' | 'session') => [{ bearerAuth: [scope] }]
