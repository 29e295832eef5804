/** An OpenAPI link: the operation a client can call next, with its parameters taken from this response. */
export const link = (operationId: string, description: string, parameters: Record<string, string> = {}) => ({
  operationId,
  description,
  parameters,
})
