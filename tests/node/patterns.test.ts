// Patterns a mock server can honour: none of the document's patterns needs a lookaround (generators such as
// json-schema-faker cannot make values for one, and then a mock server's own data breaks the document), and a value
// the API sends is one it accepts back: `meta.nextCursor` has the `cursor` parameter's pattern and length.
import { describe, expect, it } from 'vitest'
import { document, documentOperation, resolveSchema, type SchemaObject } from '../support/openapi'

function patterns(node: unknown, at: string, out: [string, string][] = []): [string, string][] {
  if (Array.isArray(node)) node.forEach((item, index) => patterns(item, `${at}/${index}`, out))
  else if (node && typeof node === 'object')
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') out.push([at, value])
      else if (key !== 'example' && key !== 'examples') patterns(value, `${at}/${key}`, out)
    }
  return out
}

describe('patterns', () => {
  it('no pattern of the document uses a lookahead or lookbehind', () => {
    const found = patterns(document, '#')
    expect(found.length).toBeGreaterThan(5)
    expect(found.filter(([, pattern]) => /\(\?<?[=!]/.test(pattern))).toEqual([])
  })

  it('meta.nextCursor is what the cursor parameter accepts', () => {
    const cursor = documentOperation('listPosts').parameters.find((parameter) => parameter.name === 'cursor')?.schema as SchemaObject
    const next = resolveSchema({ $ref: '#/components/schemas/PageMeta' }).properties?.nextCursor as SchemaObject
    expect(next.pattern).toBe(cursor.pattern)
    expect(next.maxLength).toBe(cursor.maxLength)
    expect(new RegExp(next.pattern!).test(String(next.example))).toBe(true)
  })
})
