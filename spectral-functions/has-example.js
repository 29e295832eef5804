/**
 * Passes when the node carries `example` or `examples`. With `options.orSchema`, the schema it wraps may carry it
 * instead: a parameter's example is as often written on its schema as on the parameter itself.
 */
export default function hasExample(node, options) {
  const carries = (value) => value != null && (value.example !== undefined || value.examples !== undefined)
  if (carries(node) || (options?.orSchema === true && carries(node?.schema))) return []
  return [
    { message: options?.orSchema ? 'Carry an example or examples, on the parameter or its schema.' : 'Carry an example or examples.' },
  ]
}
