const encoder = new TextEncoder()

/** The hex digest of a text: list ETags (SHA-1) and rate-limit keys made from emails (SHA-256). */
export async function digestHex(algorithm: 'SHA-1' | 'SHA-256', text: string): Promise<string> {
  const digest = await crypto.subtle.digest(algorithm, encoder.encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
