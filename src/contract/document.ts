import { OpenAPIHono } from '@hono/zod-openapi'
import { errorCatalogueMarkdown } from './errors/catalogue'
import { ErrorResponse } from './errors/responses'
import { addExamples, shareComponents, type Document } from './components'
import { bearerAuth } from './common/security'
import { corsMarkdown } from './common/cors'
import { operations } from './operations'
import { webhookDefinitions } from './events'

const description = `
A contract-first REST API on Cloudflare Workers: this document is generated from the route definitions that also validate every request, and it is the whole contract: every rule the server enforces is here.

Also here: a [Postman collection](/assets/collection.json) of every operation with a flow from registration to deletion, and a short [llms.txt](/llms.txt).

## Getting started
1. \`POST /api/auth/register\` with \`{ "email", "name", "password" }\` (or \`POST /api/auth/login\`) returns \`data.token\`.
2. Send it on every call that needs it: \`Authorization: Bearer <token>\`. Tokens last one hour; \`POST /api/auth/logout\` ends all of yours at once, and so does changing your password.
3. Lists take \`page\` (from 1) and \`pageSize\` (1..100); \`meta\` carries \`page, pageSize, total, totalPages, nextCursor\`. To walk far, send \`meta.nextCursor\` back as \`cursor\`, alone: it keeps the listing's sort, order, page size and filters, every page then costs the same however deep, and rows that come and go during the walk make it skip or repeat nothing else.
4. Every success is \`{ "data", "meta" }\`; every failure is \`{ "error": { "code", "message", "details"?, "docs" }, "meta" }\`. Switch on \`error.code\`, never on the message: each error response of each operation lists, in its schema's \`error.code\` enum, exactly the codes it can carry. Codes may be added, so handle ones you do not know.
5. Every response carries \`X-Request-Id\` (also \`meta.requestId\`); quote it when you report a problem.
6. Retry safely: send an \`Idempotency-Key\` (a fresh UUID per logical request) on every POST, and a retry replays the first result instead of creating twice, whatever failed in between. On 429 or 503, wait \`Retry-After\` seconds.
7. Update safely: PUT, PATCH and DELETE of users and posts require \`If-Match\`: the \`ETag\` you read (a 412 means someone changed it first), or \`*\` to change whatever is there. Without it the answer is 428 and nothing changes. The ETag is a response header (in these docs, open a response's Headers); a resource never changed is \`"v1"\`.

## API keys for integrations
A job or a backend that runs unattended uses an API key instead of a password:
1. Signed in, \`POST /api/api-keys\` with \`{ "name": "Nightly sync", "scopes": ["read"], "expiresInDays": 90 }\`. The answer's \`data.secret\` (\`cfak_…\`) is shown this once: put it in a secret store.
2. Send it as \`Authorization: Bearer <secret>\`, exactly like a token. It acts as you, limited to its scopes: \`read\`, \`write\` (users and posts), \`keys\` (managing keys). Without the scope an operation names in its security requirement, the answer is 403.
3. \`GET /api/api-keys\` lists your keys (never their secrets); \`DELETE /api/api-keys/{id}\` revokes one, which is refused (401) from the next request on. Keys have their own rate limit (300 a minute each) and no login limits.

## Webhooks
Instead of polling, receive every change as it happens:
1. \`POST /api/webhook-endpoints\` with \`{ "url": "https://…", "eventTypes": ["post.created"], "description": "…" }\` (scope \`webhooks\` for an API key). The answer's \`data.secret\` (\`whsec_…\`) is shown this once. At most 10 endpoints per user.
2. Each event is POSTed as JSON \`{ id, type, timestamp, data }\` (the document's \`webhooks\` list every type and its body, at most 256 KiB) with the Standard Webhooks headers: \`webhook-id\` (the event id, the same on every retry), \`webhook-timestamp\` (seconds) and \`webhook-signature\` (\`v1,\` + base64 HMAC-SHA256 of \`id.timestamp.body\` keyed with the base64-decoded secret after \`whsec_\`; two signatures for 24 hours after a rotation). Any Standard Webhooks library verifies them.
3. Answer 2xx within 10 seconds (only the first 1 KiB of the answer is read; redirects are not followed). Anything else is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and then every 12 h, about three days in all; then the delivery is dead and the endpoint disabled (\`enabled: false\`, \`disabledReason\` says why). \`GET /api/webhook-endpoints/{id}/deliveries\` shows every attempt's outcome; \`PATCH\` it with \`{ "enabled": true }\` to resume, and retry a delivery by hand.
4. What you receive is what you may read: your own account and posts whole, other users as the public sees them (no email), every post; an admin receives everything whole. Delivery is at least once and unordered: deduplicate by \`webhook-id\`, and catch up from \`GET /api/events\` (30 days, filter by \`type\`, \`since\`, \`until\`).

## Rules for every request
- Bodies are JSON (\`application/json\`, or any \`+json\` type), at most 64 KiB; unknown fields are refused, not ignored. Only operations that take a body read one.
- Text must be well-formed Unicode (RFC 8259 §8.2, I-JSON): a lone surrogate such as \`"\\ud800"\` cannot be stored as sent and is a 400. Lengths count code points. Text is stored exactly as sent, never trimmed.
- Unknown query parameters are a 400 on every operation.
- Limits: 300 requests a minute per user, API key or address; 5 logins and 5 registrations a minute per address; 5 registrations a minute per email; an account takes no password for 1, 2, 4, 8, then 16 minutes after every 5 failed attempts in a row (a success resets the count). Each is a 429 with \`Retry-After\`.
- Roles: an admin writes everything; a user writes their own account and posts; a guest reads only (every write is a 403, but signing out, changing their own password and revoking their keys). Changing an email needs the caller's \`currentPassword\`.

## When something fails
A 503 \`SERVICE_UNAVAILABLE\` (with \`Retry-After\`) means a dependency failed, not your request: the database did not answer, or (login and registration only) the sign-in rate limiter did not. The database can carry out a write and still lose its answer, so a 503 does not say that nothing happened: retry a POST with the same \`Idempotency-Key\` (it replays what was done, or does it once; 409 \`IDEMPOTENCY_KEY_IN_USE\` means wait \`Retry-After\` seconds, at most the 30-second lease of the first attempt), and a PUT, PATCH or DELETE with the same \`If-Match\` (a 412, or a 404 for a DELETE, then means the first attempt was applied: read the resource again). Signing out and changing the password end the token that asked, so their retry after an applied first attempt is a 401: log in again (with the new password). The welcome email of a sign-up is sent after the answer and, if that fails, by an hourly job: at least once, never blocking the sign-up. The cache and the general rate limiter never fail a request: reads then go to the database. \`GET /health\` says which dependency is down (its database check is a read: a database that refuses only writes shows in the writes' 503s); 500 \`INTERNAL_ERROR\` is kept for bugs.

${corsMarkdown}

## Caching
Public GETs send \`Cache-Control: public, max-age=60, stale-while-revalidate=300\` and an \`ETag\`; send \`If-None-Match\` to get \`304 Not Modified\`. Profile and auth responses and all errors are never stored.

## Read your writes
Responses that read or wrote the database carry \`X-D1-Bookmark\`; send the latest one back on your next request and reads served by a database replica still include your own writes. Single users and posts may otherwise come from a per-data-center cache for up to 60 s after a change made elsewhere; a request with a bookmark always reads the database.

## Versions and deprecation
\`info.version\` follows semantic versioning, and the SDK (\`@contract-first-api/client\`) carries the same number. Before 1.0.0 a breaking change raises the minor version; from 1.0.0, the major. Adding an operation, an optional field or parameter, an error code or an enum value in a response is not breaking: clients must tolerate what they do not know. Something to be removed is first marked \`deprecated: true\` here, and its responses carry \`Deprecation\` (RFC 9745) and \`Sunset\` (RFC 8594) headers, at least 90 days before it goes. The changelog of each release is generated from this document (\`npm run openapi:changelog\`); the policy is docs/versioning.md in the API's repository.

${errorCatalogueMarkdown()}
`.trim()

export const documentConfig = {
  openapi: '3.1.0',
  info: {
    title: 'Contract-first API',
    version: '0.3.0',
    description,
    contact: { name: 'API team', url: 'https://example.com/support', email: 'api@example.com' },
    license: { name: 'MIT', identifier: 'MIT' },
  },
  // Every environment, production first (what a generator defaults to); each is its PUBLIC_ORIGIN in wrangler.toml
  // (tests/node/servers.test.ts). A deployment's own /openapi.json puts its own origin first (servedDocument).
  servers: [
    { url: 'https://api.example.com', description: 'Production', 'x-internal': false },
    {
      url: 'https://staging-api.example.com',
      description: 'Staging: the same contract, its own data; try changes here first.',
      'x-internal': false,
    },
    {
      url: 'http://127.0.0.1:8787',
      description: 'Local: `npm run dev` (`PORT=<n> npm run dev` serves on another port).',
      'x-internal': false,
    },
  ],
  tags: [
    { name: 'Health', description: 'Liveness and dependency checks.' },
    { name: 'Auth', description: 'Registration, login, the signed-in profile, password changes and signing out.' },
    { name: 'Keys', description: 'API keys for integrations that run unattended: created, listed and revoked by their owner.' },
    { name: 'Users', description: 'User accounts. Roles: admin, user, guest.' },
    { name: 'Posts', description: 'Posts, owned by users.' },
    {
      name: 'Webhooks',
      description: 'Events pushed to your HTTPS endpoints, signed (Standard Webhooks), and the event log to catch up from.',
    },
  ],
}

let cached: Document | undefined

/** The document a deployment serves: the contract's, with that deployment's public origin first, then the others. */
export function servedDocument(origin: string, environment: string): Document {
  const others = documentConfig.servers.filter((server) => server.url !== origin)
  return { ...buildDocument(), servers: [{ url: origin, description: `This deployment (${environment})`, 'x-internal': false }, ...others] }
}

/** The OpenAPI 3.1 document, built from the contract alone on first use (not at module load). */
export function buildDocument(): Document {
  if (cached) return cached
  const app = new OpenAPIHono()
  const registry = app.openAPIRegistry
  registry.registerComponent('securitySchemes', 'bearerAuth', bearerAuth)
  // Every response names its own codes; the general envelope stays a component for what no operation declares, and for clients.
  registry.register('ErrorResponse', ErrorResponse)
  for (const operation of Object.values(operations)) registry.registerPath(operation)
  for (const webhook of webhookDefinitions) registry.registerWebhook(webhook)
  const document = app.getOpenAPI31Document(documentConfig)
  addExamples(document)
  shareComponents(document)
  cached = document
  return cached
}
