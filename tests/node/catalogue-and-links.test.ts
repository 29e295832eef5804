import type { LinkObject, MediaTypeObject, ReferenceObject, SchemaObject } from 'openapi3-ts/oas31'
import { describe, expect, it } from 'vitest'
import { errorAnchor, errorCatalogue, errorCodes } from '../../src/contract/errors/catalogue'
import { document, documentOperations, resolveSchema } from '../support/openapi'

const description = document.info.description ?? ''

describe('the error catalogue', () => {
  it('has an entry with title, when and action for every code of the enum in the document', () => {
    const documented = resolveSchema({ $ref: '#/components/schemas/ErrorCode' }).enum ?? []
    expect(documented).toEqual([...errorCodes])
    for (const code of documented) {
      const entry = errorCatalogue[code as keyof typeof errorCatalogue]
      expect(entry, code).toBeDefined()
      expect(entry.title.length && entry.when.length && entry.action.length).toBeGreaterThan(0)
      expect(description).toContain(`<a id="${errorAnchor(code as keyof typeof errorCatalogue)}"></a>${code}`)
    }
  })

  it('every docs link in the named error examples points to an entry that exists', () => {
    const links = JSON.stringify({ paths: document.paths, components: document.components }).match(/\/docs#error-[a-z-]+/g) ?? []
    expect(links.length).toBeGreaterThan(10)
    for (const href of new Set(links)) expect(description, href).toContain(`<a id="${href.split('#')[1]}"></a>`)
  })
})

describe('named examples', () => {
  const examplesOf = (media: MediaTypeObject | undefined) =>
    Object.values(media?.examples ?? {}).flatMap((example) => ('value' in example ? [example.value] : []))
  const codesOf = (op: (typeof documentOperations)[number]) =>
    Object.values(op.responses).flatMap((response) =>
      examplesOf(response.content?.['application/json']).map((value) => (value as { error?: { code?: string } }).error?.code),
    )

  it('show only codes the operation can send: INVALID_JSON where it reads a body, INVALID_CREDENTIALS on login alone', () => {
    for (const op of documentOperations) {
      const codes = codesOf(op)
      expect(codes.includes('INVALID_JSON'), op.operationId).toBe(op.body !== undefined)
      expect(codes.includes('INVALID_CREDENTIALS'), op.operationId).toBe(op.operationId === 'login')
      if (op.operationId === 'login') expect(codes, 'login never answers UNAUTHORIZED').not.toContain('UNAUTHORIZED')
    }
  })

  it('every JSON success response and every JSON request body has a named example too', () => {
    for (const op of documentOperations) {
      for (const [status, response] of Object.entries(op.responses)) {
        const media = response.content?.['application/json']
        if (status.startsWith('2') && media) expect(Object.keys(media.examples ?? {}), `${op.operationId} ${status}`).toHaveLength(1)
      }
      const requestBody = op.operation.requestBody
      const body = requestBody && 'content' in requestBody ? requestBody.content['application/json'] : undefined
      if (body) expect(Object.keys(body.examples ?? {}), `${op.operationId} request`).toEqual(['request'])
    }
  })
})

/** Walks a runtime expression's JSON pointer (`$response.body#/data/0/id`) through the response schema. */
function resolvesIn(schema: SchemaObject | ReferenceObject, pointer: string): boolean {
  let node: SchemaObject | undefined = resolveSchema(schema)
  for (const segment of pointer.split('/').filter(Boolean)) {
    if (!node) return false
    node = /^\d+$/.test(segment)
      ? node.items
        ? resolveSchema(node.items)
        : undefined
      : node.properties?.[segment] && resolveSchema(node.properties[segment]!)
  }
  return Boolean(node)
}

function asLink(link: LinkObject | ReferenceObject): LinkObject {
  if ('$ref' in link) throw new Error(`link references are not used by this document: ${link.$ref}`)
  return link
}

describe('OpenAPI links', () => {
  const ids = new Set(documentOperations.map((op) => op.operationId))
  const links = documentOperations.flatMap((op) =>
    Object.entries(op.responses).flatMap(([status, response]) =>
      Object.entries(response.links ?? {}).map(([name, link]) => ({
        from: `${op.operationId} ${status}`,
        name,
        link: asLink(link),
        schema: response.content?.['application/json']?.schema,
      })),
    ),
  )

  it('exist for the flows a client follows', () => {
    const names = links.map((l) => `${l.from} -> ${l.link.operationId}`)
    for (const expected of [
      'createUser 201 -> getUser',
      'createUserPost 201 -> getPost',
      'createUserPost 201 -> updateUserPost',
      'login 200 -> getProfile',
      'listUsers 200 -> getUser',
      'listPosts 200 -> getPost',
    ]) {
      expect(names).toContain(expected)
    }
  })

  it('name operations that exist, with parameter expressions that resolve in the response schema', () => {
    for (const { from, link, schema } of links) {
      if (!link.operationId) throw new Error(`${from}: a link without operationId`)
      expect(ids.has(link.operationId), `${from} links to unknown ${link.operationId}`).toBe(true)
      const target = documentOperations.find((op) => op.operationId === link.operationId)!
      const pathParams = target.parameters.filter((p) => p.in === 'path').map((p) => p.name)
      // Every path parameter of the target is supplied, and nothing else is.
      expect(Object.keys(link.parameters ?? {}).sort(), `${from} -> ${link.operationId} parameters`).toEqual(pathParams.sort())
      for (const [param, expression] of Object.entries(link.parameters ?? {})) {
        const match = /^\$response\.body#(\/.*)$/.exec(expression)
        expect(match, `${from} ${param}: ${expression}`).not.toBeNull()
        expect(resolvesIn(schema!, match![1]!), `${from} ${param}: ${expression} does not resolve`).toBe(true)
      }
    }
  })

  it('the walker rejects an expression that does not resolve', () => {
    expect(resolvesIn({ $ref: '#/components/schemas/PostResponse' }, '/data/authorId')).toBe(true)
    expect(resolvesIn({ $ref: '#/components/schemas/PostResponse' }, '/data/ownerId')).toBe(false)
  })
})
