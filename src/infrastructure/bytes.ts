// Byte encodings, once for every adapter (and, through the composition root, for http/).
const encoder = new TextEncoder()

export const hex = (bytes: ArrayBuffer | Uint8Array) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')

export function toBase64(bytes: Uint8Array): string {
  // A loop, not String.fromCharCode(...bytes): spreading a large body would overflow the argument limit.
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

export const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))

/** The hex digest of a text: list ETags (SHA-1) and rate-limit keys made from emails (SHA-256). */
export async function digestHex(algorithm: 'SHA-1' | 'SHA-256', text: string): Promise<string> {
  return hex(await crypto.subtle.digest(algorithm, encoder.encode(text)))
}
