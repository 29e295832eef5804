/**
 * Passes when the operation documents at least one 4xx response whose JSON body is `$ref: options.ref`.
 * It reads the unresolved document (`resolved: false` on the rule), since resolving would replace that $ref.
 */
export default function hasErrorEnvelope4xx(operation, options, context) {
  const documented = Object.entries(operation?.responses ?? {}).some(([status, response]) => {
    if (!/^4(\d\d|XX)$/.test(status)) return false
    const body = response?.$ref ? lookup(context.document.data, response.$ref) : response
    return body?.content?.['application/json']?.schema?.$ref === options.ref
  })
  if (documented) return []
  return [{ message: `Document at least one 4xx response whose application/json schema is $ref ${options.ref}.` }]
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
