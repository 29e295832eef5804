import { OpenAPIHono } from '@hono/zod-openapi'
import { errorCatalogueMarkdown } from './errors/catalogue'
import { addExamples, shareComponents, type Document } from './components'
import { operations } from './operations'

const description = `
A contract-first REST API on Cloudflare Workers: this document is generated from the route definitions that also validate every request.

## Getting started
1. \`POST /api/auth/register\` with \`{ "email", "name", "password" }\` (or \`POST /api/auth/login\`) returns \`data.token\`.
2. Send it on every call that needs it: \`Authorization: Bearer <token>\`. Tokens last one hour.
3. Lists take \`page\` (from 1) and \`pageSize\` (1..100); \`meta\` carries \`page, pageSize, total, totalPages, nextCursor\`. To walk far, send \`meta.nextCursor\` back as \`cursor\` instead of \`page\`: every page then costs the same, however deep.
4. Every success is \`{ "data", "meta" }\`; every failure is \`{ "error": { "code", "message", "details"? }, "meta" }\`. Switch on \`error.code\`, never on the message.
5. Every response carries \`X-Request-Id\` (also \`meta.requestId\`); quote it when you report a problem.

6. Retry safely: send an \`Idempotency-Key\` (a fresh UUID per logical request) on every POST, and a retry replays the first result instead of creating twice. On 429 or 503, wait \`Retry-After\` seconds.
7. Update safely: send the \`ETag\` you read as \`If-Match\` on PUT, PATCH and DELETE; a 412 means someone changed it first.

## Caching
Public GETs send \`Cache-Control: public, max-age=60, stale-while-revalidate=300\` and an \`ETag\`; send \`If-None-Match\` to get \`304 Not Modified\`. Profile and auth responses and all errors are never stored.

## Read your writes
Responses that read or wrote the database carry \`X-D1-Bookmark\`; send the latest one back on your next request and reads served by a database replica still include your own writes. Single users and posts may otherwise come from a per-data-center cache for up to 60 s after a change made elsewhere; a request with a bookmark always reads the database.

${errorCatalogueMarkdown()}
`.trim()

export const documentConfig = {
  openapi: '3.1.0',
  info: {
    title: 'Contract-first API',
    version: '0.2.0',
    description,
    contact: { name: 'API team', url: 'https://example.com/support', email: 'api@example.com' },
    license: { name: 'MIT', identifier: 'MIT' },
  },
  // Relative: the origin that serves the document. Each deployment serves its own at /openapi.json with its public
  // origin as the server (servedDocument), so no generator or docs page ever defaults to a localhost or another stage.
  servers: [
    {
      url: '/',
      description:
        'The origin serving this document. Each environment (production, staging, a local `npm run dev`) serves its own at /openapi.json, naming its public origin here.',
      'x-internal': false,
    },
  ],
  tags: [
    { name: 'Health', description: 'Liveness and dependency checks.' },
    { name: 'Auth', description: 'Registration, login and the signed-in profile.' },
    { name: 'Users', description: 'User accounts. Roles: admin, user, guest.' },
    { name: 'Posts', description: 'Posts, owned by users.' },
  ],
}

let cached: Document | undefined

/** The document a deployment serves: the contract's, with that deployment's public origin as its one server. */
export function servedDocument(origin: string, environment: string): Document {
  return { ...buildDocument(), servers: [{ url: origin, description: `This deployment (${environment})`, 'x-internal': false }] }
}

/** The OpenAPI 3.1 document, built from the contract alone on first use (not at module load). */
export function buildDocument(): Document {
  if (cached) return cached
  const app = new OpenAPIHono()
  const registry = app.openAPIRegistry
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'The token from `POST /api/auth/login` or `POST /api/auth/register`: an HS256 JWT handled as RFC8725 advises ' +
      '(the algorithm is pinned when verifying, so `none` and algorithm switching are refused; every token carries an `exp` that is checked).',
  })
  for (const operation of Object.values(operations)) registry.registerPath(operation)
  const document = app.getOpenAPI31Document(documentConfig)
  addExamples(document)
  shareComponents(document)
  cached = document
  return cached
}
