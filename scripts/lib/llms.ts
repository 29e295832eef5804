// llms.txt (https://llmstxt.org): a short plain-text guide to the API for language models and hurried humans, made
// from the document so its list of operations cannot drift from it.
import type { OpenAPIObject, OperationObject, ReferenceObject, ResponseObject, SchemaObject } from 'openapi3-ts/oas31'

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

/** Which credential an operation takes, from its security requirement's scopes (`session`: login tokens only). */
function credentials(operation: OperationObject): string {
  const scopes = (operation.security ?? []).flatMap((requirement) => Object.values(requirement).flat())
  const secured = (operation.security ?? []).some((requirement) => Object.keys(requirement).length > 0)
  if (!secured) return ''
  if (scopes.includes('session')) return ' (login token only)'
  return scopes.length ? ` (login token, or API key with ${scopes.join(' and ')})` : ' (login token or API key)'
}

/** The codes each error response of an operation can carry (its narrowed `error.code`), by status: `409 CONFLICT`. */
export function errorCodesOf(document: OpenAPIObject, operation: OperationObject): string[] {
  return Object.entries(operation.responses ?? {}).flatMap(([status, given]: [string, ResponseObject | ReferenceObject]) => {
    const found = '$ref' in given ? document.components?.responses?.[given.$ref.split('/').pop() ?? ''] : given
    const response = found && !('$ref' in found) ? found : undefined
    const schema = response?.content?.['application/json']?.schema as SchemaObject | undefined
    const code = schema?.properties?.error as SchemaObject | undefined
    const codes = ((code?.properties?.code as SchemaObject | undefined)?.enum ?? []) as string[]
    return codes.map((name) => `${status} ${name}`)
  })
}

export function buildLlmsTxt(document: OpenAPIObject): string {
  const intro = (document.info.description ?? '').split('\n\n')[0]?.trim() ?? ''
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method] as OperationObject | undefined
      if (!operation) return []
      return [
        `- ${method.toUpperCase()} ${path}: ${operation.summary ?? operation.operationId ?? ''}${credentials(operation)}`,
        `  errors: ${errorCodesOf(document, operation).join(', ')}`,
      ]
    }),
  )
  return `# ${document.info.title}

> ${intro}

Version ${document.info.version}. Everything below is a summary: the OpenAPI document is the whole contract.

## Where to look
- [OpenAPI 3.1 document](/openapi.json): every operation, parameter, rule, status and shape; generate clients from it
- [Interactive docs](/docs): try any operation; the error catalogue is at /docs#error-<code>
- [Postman collection](/assets/collection.json): every operation, and a flow from registration to deletion

## Essentials
- Success bodies of /api operations are {"data", "meta"}; lists add meta.page, pageSize, total, totalPages and nextCursor. (GET /health answers its own shape.)
- Failures are {"error": {"code", "message", "details"?, "docs"}, "meta"}: switch on error.code, never on the message. Each operation below lists the codes it can send, with their statuses; /docs#error-<code> explains each.
- POST /api/auth/register or POST /api/auth/login returns data.token; send it as Authorization: Bearer <token>.
- Integrations that run unattended: POST /api/api-keys (signed in) returns data.secret (cfak_…) once; send it as Authorization: Bearer <secret>. Its scopes (read, write, keys, webhooks) limit it.
- Webhooks: POST /api/webhook-endpoints (https URL, event types) returns data.secret (whsec_…) once; events are POSTed as {id, type, timestamp, data}, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature), retried for about three days; GET /api/events is the log to catch up from (30 days).
- POST: send a fresh Idempotency-Key (a UUID) per logical request; a retry with the same key replays the first answer.
- PUT, PATCH, DELETE of users and posts: If-Match is required: the ETag you read (412 if it changed since), or * for any version; without it, 428.
- Lists: page and pageSize, or meta.nextCursor sent back alone as cursor (it keeps the listing's sort and filters).
- 429 and 503 carry Retry-After; wait that many seconds.
- Every response carries X-Request-Id (also meta.requestId); send X-D1-Bookmark back to read your own writes.
- Browsers: cross-origin requests are answered for the origins the deployment allows (its CORS_ORIGINS setting; locally in .dev.vars, which replaces the whole list, then restart npm run dev); server-to-server calls need nothing.

## Operations
${operations.join('\n')}
`
}
