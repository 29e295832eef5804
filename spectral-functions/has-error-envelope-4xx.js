/**
 * Passes when the operation documents at least one 4xx response and every 4xx and 5xx response it documents has the
 * error envelope as its JSON body: `$ref: options.ref` itself, or the same envelope with `error.code` narrowed to the
 * codes that response carries (a non-empty enum of codes of the ErrorCode component, `error` and `meta` required). It
 * reads the unresolved document (`resolved: false` on the rule), since resolving would replace those $refs.
 */
export default function hasErrorEnvelope4xx(operation, options, context) {
  const errors = Object.entries(operation?.responses ?? {}).filter(([status]) => /^[45](\d\d|XX)$/.test(status))
  const allCodes = lookup(context.document.data, '#/components/schemas/ErrorCode')?.enum ?? []
  const isEnvelope = (response) => {
    const body = response?.$ref ? lookup(context.document.data, response.$ref) : response
    const schema = body?.content?.['application/json']?.schema
    if (schema?.$ref === options.ref) return true
    const codes = schema?.properties?.error?.properties?.code?.enum
    return (
      Array.isArray(codes) &&
      codes.length > 0 &&
      codes.every((code) => allCodes.includes(code)) &&
      schema.properties.meta?.$ref === '#/components/schemas/Meta' &&
      ['error', 'meta'].every((name) => schema.required?.includes(name))
    )
  }
  if (!errors.some(([status]) => status.startsWith('4'))) {
    return [{ message: `Document at least one 4xx response whose application/json schema is the error envelope (${options.ref}).` }]
  }
  return errors
    .filter(([, response]) => !isEnvelope(response))
    .map(([status]) => ({
      message: `The ${status} response must be the error envelope: ${options.ref}, or it with error.code narrowed to an enum of its codes.`,
      path: [...context.path, 'responses', status],
    }))
}

// A local reference such as #/components/responses/NotFound; other references count as not documented.
function lookup(document, ref) {
  if (!ref.startsWith('#/')) return undefined
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, key) => node?.[key], document)
}
