import type { ApiKeySecrets, IssuedKeySecret } from '../application/ports'
import { hex } from './bytes'

// `cfak_` (a prefix secret scanners can look for), 43 random base62 characters (256 bits), and an 8-character tag:
// an HMAC of the random part under the Worker's secret, so a key this API never issued is refused without a database
// read, and cannot buy itself a rate-limit bucket of its own.
const PREFIX = 'cfak_'
const RANDOM_LENGTH = 43
const TAG_LENGTH = 8
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const SHAPE = new RegExp(`^${PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + TAG_LENGTH}}$`)
const encoder = new TextEncoder()

/** Uniform base62 from random bytes (a byte of 248 or more is drawn again, so no character is likelier). */
function randomBase62(length: number): string {
  let out = ''
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62]
    }
  }
  return out
}

export function apiKeySecrets(secret: string): ApiKeySecrets {
  let tagKey: Promise<CryptoKey> | undefined
  const key = () =>
    (tagKey ??= (async () => {
      const base = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey'])
      const info = encoder.encode('api key tag v1')
      return crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info },
        base,
        { name: 'HMAC', hash: 'SHA-256', length: 256 },
        false,
        ['sign'],
      )
    })())
  const tagOf = async (random: string) => {
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await key(), encoder.encode(random)))
    return [...mac.slice(0, TAG_LENGTH)].map((byte) => ALPHABET[byte % 62]).join('')
  }
  const hash = async (value: string) => hex(await crypto.subtle.digest('SHA-256', encoder.encode(value)))

  return {
    looksLikeKey: (credential) => credential.startsWith(PREFIX),
    async issue(): Promise<IssuedKeySecret> {
      const random = randomBase62(RANDOM_LENGTH)
      const value = `${PREFIX}${random}${await tagOf(random)}`
      return { secret: value, hash: await hash(value), prefix: value.slice(0, PREFIX.length + 6), last4: value.slice(-4) }
    },
    async recognise(credential) {
      if (!SHAPE.test(credential)) return null
      const random = credential.slice(PREFIX.length, PREFIX.length + RANDOM_LENGTH)
      const tag = credential.slice(PREFIX.length + RANDOM_LENGTH)
      // Not a secret comparison: the tag only proves the key's shape came from us; the hash lookup decides the rest.
      if (tag !== (await tagOf(random))) return null
      return hash(credential)
    },
  }
}
