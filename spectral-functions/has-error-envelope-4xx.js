/**
 * Passes when the operation documents at least one 4xx response and every 4xx and 5xx response it documents has a JSON
 * body that is `$ref: options.ref` (a non-envelope 404 beside an envelope 400 fails). It reads the unresolved document
 * (`resolved: false` on the rule), since resolving would replace that $ref.
 */
export default function hasErrorEnvelope4xx(operation, options, context) {
  const errors = Object.entries(operation?.responses ?? {}).filter(([status]) => /^[45](\d\d|XX)$/.test(status))
  const isEnvelope = (response) => {
    const body = response?.$ref ? lookup(context.document.data, response.$ref) : response
    return body?.content?.['application/json']?.schema?.$ref === options.ref
  }
  if (!errors.some(([status]) => status.startsWith('4'))) {
    return [{ message: `Document at least one 4xx response whose application/json schema is $ref ${options.ref}.` }]
  }
  return errors
    .filter(([, response]) => !isEnvelope(response))
    .map(([status]) => ({
      message: `The ${status} response must be the error envelope: application/json schema $ref ${options.ref}.`,
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
