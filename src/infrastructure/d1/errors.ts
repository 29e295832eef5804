// D1 reports constraint failures only in the message text (through drizzle's wrapper, in `cause`).
function messages(error: unknown): string {
  const parts: string[] = []
  for (let e: unknown = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message)
  return parts.join(' | ')
}

export const isUniqueViolation = (error: unknown) => messages(error).includes('UNIQUE constraint failed')
