import { fromBase64, hex, toBase64 } from './bytes'

const encoder = new TextEncoder()

/**
 * What the idempotency store keeps, made useless without the Worker's secret: request bodies (passwords among them)
 * only as an HMAC, and stored responses (tokens among them) only encrypted (AES-GCM). Both keys are derived from
 * JWT_SECRET with HKDF, one per purpose, once per isolate.
 */
export function idempotencySealer(secret: string) {
  let keys: Promise<{ mac: CryptoKey; aead: CryptoKey }> | undefined
  const derive = () =>
    (keys ??= (async () => {
      const base = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey'])
      const purpose = (label: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: encoder.encode(label) })
      const [mac, aead] = await Promise.all([
        crypto.subtle.deriveKey(purpose('idempotency fingerprint v1'), base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, [
          'sign',
        ]),
        crypto.subtle.deriveKey(purpose('idempotency response v1'), base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
      ])
      return { mac, aead }
    })())

  return {
    async fingerprint(request: string): Promise<string> {
      return hex(await crypto.subtle.sign('HMAC', (await derive()).mac, encoder.encode(request)))
    },
    async seal(plain: string): Promise<string> {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, (await derive()).aead, encoder.encode(plain)))
      return `${toBase64(iv)}.${toBase64(sealed)}`
    },
    /** The stored text, or null when it was not sealed with this secret (rotated, or tampered with). */
    async open(stored: string): Promise<string | null> {
      const [iv, sealed] = stored.split('.')
      try {
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: fromBase64(iv ?? '') },
          (await derive()).aead,
          fromBase64(sealed ?? ''),
        )
        return new TextDecoder().decode(plain)
      } catch {
        return null
      }
    },
  }
}
