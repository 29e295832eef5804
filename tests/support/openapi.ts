// The one typed walk of openapi/openapi.json for every test: worker tests import it in workerd, node tests in Node.
import type {
  HeaderObject,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from 'openapi3-ts/oas31'
import raw from '../../openapi/openapi.json'

export type { HeaderObject, ParameterObject, ReferenceObject, ResponseObject, SchemaObject }

/** The emitted file is an OpenAPI 3.1 document: checked here once, so every test reads it typed (and no test casts it). */
function isOpenApi31(value: unknown): value is OpenAPIObject {
  if (typeof value !== 'object' || value === null || !('openapi' in value) || !('paths' in value)) return false
  return typeof value.openapi === 'string' && value.openapi.startsWith('3.1') && typeof value.paths === 'object'
}
function asDocument(value: unknown): OpenAPIObject {
  if (!isOpenApi31(value)) throw new Error('openapi/openapi.json is not an OpenAPI 3.1 document')
  return value
}

export const document = asDocument(raw)

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const
export type Method = (typeof METHODS)[number]

export interface DocumentOperation {
  operationId: string
  method: Method
  /** The path template, e.g. /api/users/{id}/posts. */
  path: string
  operation: OperationObject
  /** Needs credentials: a non-empty security requirement. */
  secured: boolean
  parameters: ParameterObject[]
  /** The JSON request body's schema, resolved, when the operation takes one. */
  body?: SchemaObject
  /** The JSON request body's first named example, when there is one. */
  bodyExample?: unknown
  /** By status, shared components followed (headers included). */
  responses: Record<string, ResponseObject>
}

const isReference = (value: unknown): value is ReferenceObject => typeof value === 'object' && value !== null && '$ref' in value

/** The component a `$ref` names, followed until it is a schema; an `allOf` (a $ref beside a description) merged into one. */
export function resolveSchema(schema: SchemaObject | ReferenceObject): SchemaObject {
  if (isReference(schema)) {
    const target = document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')]
    if (!target) throw new Error(`No schema ${schema.$ref}`)
    return resolveSchema(target)
  }
  if (!schema.allOf) return schema
  const { allOf, ...rest } = schema
  return allOf.reduce<SchemaObject>((merged, part) => ({ ...merged, ...resolveSchema(part) }), rest)
}

function resolveParameter(parameter: ParameterObject | ReferenceObject): ParameterObject {
  if (isReference(parameter)) throw new Error(`Parameter references are not used by this document: ${parameter.$ref}`)
  return parameter
}

function resolveHeader(header: HeaderObject | ReferenceObject): HeaderObject {
  if (!isReference(header)) return header
  const target = document.components?.headers?.[header.$ref.replace('#/components/headers/', '')]
  if (!target) throw new Error(`No header ${header.$ref}`)
  return resolveHeader(target)
}

/** A response as the operation answers it: a shared component followed, its shared headers too. */
function resolveResponse(response: ResponseObject | ReferenceObject): ResponseObject {
  if (isReference(response)) {
    const target = document.components?.responses?.[response.$ref.replace('#/components/responses/', '')]
    if (!target) throw new Error(`No response ${response.$ref}`)
    return resolveResponse(target)
  }
  if (!response.headers) return response
  return {
    ...response,
    headers: Object.fromEntries(Object.entries(response.headers).map(([name, header]) => [name, resolveHeader(header)])),
  }
}

/** Every operation of the document, in document order. */
export const documentOperations: DocumentOperation[] = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  METHODS.flatMap((method) => {
    const operation = item[method]
    if (!operation) return []
    const media =
      operation.requestBody && !isReference(operation.requestBody) ? operation.requestBody.content['application/json'] : undefined
    const firstExample = Object.values(media?.examples ?? {})[0]
    return [
      {
        operationId: operation.operationId ?? `${method} ${path}`,
        method,
        path,
        operation,
        secured: (operation.security ?? document.security ?? []).some((requirement) => Object.keys(requirement).length > 0),
        parameters: (operation.parameters ?? []).map(resolveParameter),
        ...(media?.schema ? { body: resolveSchema(media.schema) } : {}),
        ...(firstExample && !isReference(firstExample) ? { bodyExample: firstExample.value } : {}),
        responses: Object.fromEntries(
          Object.entries(operation.responses ?? {}).map(([status, response]) => [status, resolveResponse(response)]),
        ),
      },
    ]
  }),
)

/** The operation with this operationId (throws when the document has none). */
export function documentOperation(operationId: string): DocumentOperation {
  const found = documentOperations.find((op) => op.operationId === operationId)
  if (!found) throw new Error(`The document has no operation ${operationId}`)
  return found
}

/** A concrete path for a template: `{name}` replaced by values[name], URI-encoded. */
export const fillPath = (template: string, values: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''))

/** The codes each error response of an operation can carry, by status: its narrowed `error.code` enum. */
export function errorCodesOf(operation: DocumentOperation): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(operation.responses).flatMap(([status, response]) => {
      const schema = response.content?.['application/json']?.schema
      const error = schema && !isReference(schema) ? schema.properties?.error : undefined
      const code = error && !isReference(error) ? error.properties?.code : undefined
      const codes = code && !isReference(code) ? code.enum : undefined
      return /^[45]/.test(status) && codes ? [[status, codes.map(String)]] : []
    }),
  )
}
