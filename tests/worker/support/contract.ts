import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020'
import addFormats from 'ajv-formats'
import { document, documentOperations } from '../../support/openapi'

/**
 * Responses are checked strictly: an object schema that does not say otherwise admits no undeclared
 * property, so a handler that leaks a field the contract does not promise fails the suite.
 */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict)
  if (node === null || typeof node !== 'object') return node
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'example' || k === 'examples' ? v : strict(v)]))
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false
  return out
}

const DOC_ID = 'https://contract.test/openapi.json'
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats(ajv)
const strictDocument = strict(document)
if (typeof strictDocument !== 'object' || strictDocument === null) throw new Error('the document is not an object')
ajv.addSchema({ $id: DOC_ID, ...strictDocument })

/** Internal references made absolute, so a schema taken out of the document resolves against its strict copy. */
function absolute(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(absolute)
  if (node === null || typeof node !== 'object') return node
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? `${DOC_ID}${v}` : absolute(v)]),
  )
}

const compiled = new WeakMap<object, ValidateFunction>()
/** A validator for a schema of the document (by identity), checked as strictly as the document's copy. */
function validatorFor(schema: object): ValidateFunction {
  let validate = compiled.get(schema)
  if (!validate) compiled.set(schema, (validate = ajv.compile(absolute(strict(schema)) as object)))
  return validate
}
const errorResponseSchema = { $ref: '#/components/schemas/ErrorResponse' }

const operations = documentOperations.map((operation) => ({
  template: operation.path,
  method: operation.method.toUpperCase(),
  operation,
  pattern: new RegExp(`^${operation.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}))

// What hono's secureHeaders sends on every answer: standard, not part of any operation's contract.
const SECURITY_HEADERS = new Set([
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
])

export class ContractViolation extends Error {
  override name = 'ContractViolation'
}

const formatErrors = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('; ')

/** The operation the document declares for this method and path, if any. */
export function findOperation(method: string, path: string) {
  const lookup = method === 'HEAD' ? 'GET' : method
  return operations.find((op) => op.method === lookup && op.pattern.test(path))
}

/**
 * Throws a ContractViolation unless the response is one the document promises for this request:
 * a declared status, the declared content type, a body valid against the schema, required headers present.
 * Requests to undocumented paths must get the error envelope.
 */
export async function assertConforms(method: string, url: string, response: Response): Promise<void> {
  const { pathname } = new URL(url)
  const found = findOperation(method, pathname)
  const contentType = response.headers.get('content-type') ?? ''
  const text = await response.clone().text()
  const where = `${method} ${pathname} -> ${response.status}`

  if (!found) {
    // Not an operation (unknown route, wrong method, the docs page...): errors must still be the envelope.
    if (response.status >= 400) {
      const validate = validatorFor(errorResponseSchema)
      if (!contentType.startsWith('application/json') || !validate(JSON.parse(text))) {
        throw new ContractViolation(
          `${where}: undocumented request not answered with the error envelope: ${formatErrors(validate.errors)} ${text.slice(0, 300)}`,
        )
      }
    }
    return
  }

  const { operation } = found
  const status = String(response.status)
  const spec = operation.responses[status]
  if (!spec) {
    throw new ContractViolation(
      `${where}: status ${status} is not declared for ${operation.operationId} (declared: ${Object.keys(operation.responses).join(', ')}). Body: ${text.slice(0, 300)}`,
    )
  }
  for (const [name, header] of Object.entries(spec.headers ?? {})) {
    if ('required' in header && header.required && !response.headers.has(name))
      throw new ContractViolation(`${where}: required header ${name} is missing`)
  }
  // Every header of ours (X-*, beyond the standard security ones) is declared for this answer, and every declared one
  // that is present has a value its schema accepts.
  const declared = new Map(Object.keys(spec.headers ?? {}).map((name) => [name.toLowerCase(), name]))
  for (const [name, value] of response.headers) {
    const declaredName = declared.get(name)
    if (!declaredName) {
      if (name.startsWith('x-') && !SECURITY_HEADERS.has(name))
        throw new ContractViolation(`${where}: header ${name} is not declared for ${status}`)
      continue
    }
    const headerSchema = spec.headers?.[declaredName]
    if (!headerSchema || !('schema' in headerSchema) || !headerSchema.schema)
      throw new ContractViolation(`${where}: header ${declaredName} has no schema`)
    const validate = validatorFor(headerSchema.schema)
    if (!validate(value))
      throw new ContractViolation(
        `${where}: header ${declaredName}: ${JSON.stringify(value).slice(0, 100)} does not match its schema: ${formatErrors(validate.errors)}`,
      )
  }
  if (!spec.content) {
    if (text.length > 0) throw new ContractViolation(`${where}: declared without a body but has one: ${text.slice(0, 200)}`)
    return
  }
  if (method === 'HEAD') return
  const [mediaType] = Object.keys(spec.content)
  if (!mediaType || !contentType.startsWith(mediaType)) {
    throw new ContractViolation(`${where}: content-type ${contentType || '(none)'} but the document declares ${mediaType}`)
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new ContractViolation(`${where}: body is not JSON: ${text.slice(0, 200)}`)
  }
  // Every error's docs link must land on an entry of the catalogue in the document.
  const docs = (body as { error?: { docs?: string } }).error?.docs
  if (docs !== undefined && !(document.info.description ?? '').includes(`<a id="${docs.split('#')[1]}"></a>`)) {
    throw new ContractViolation(`${where}: error.docs ${docs} points to no catalogue entry`)
  }
  const schema = spec.content[mediaType]?.schema
  if (!schema) throw new ContractViolation(`${where}: ${mediaType} has no schema`)
  const validate = validatorFor(schema)
  if (!validate(body)) {
    throw new ContractViolation(
      `${where} (${operation.operationId}): body does not match the schema: ${formatErrors(validate.errors)}\n${text.slice(0, 500)}`,
    )
  }
}
