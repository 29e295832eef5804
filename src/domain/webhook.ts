import { InvalidField } from './errors'
import type { Role } from './user'

/** What changed, as its subscribers hear it; `ping` is sent only by the ping operation, to the one endpoint it names. */
export type EventType = 'user.created' | 'user.updated' | 'user.deleted' | 'post.created' | 'post.updated' | 'post.deleted' | 'ping'
/** The types an endpoint subscribes to (a ping needs no subscription). */
export type SubscribableType = Exclude<EventType, 'ping'>

/** One row of the event log (the outbox): `ownerId` is the user it concerns (a post's author), `data` the full resource. */
export interface StoredEvent {
  id: string
  type: EventType
  ownerId: string
  data: Record<string, unknown>
  createdAt: string
}

/** An event as it is delivered and listed: the Standard Webhooks payload shape. */
export interface Event {
  id: string
  type: EventType
  timestamp: string
  data: Record<string, unknown>
}

/**
 * The event as this reader may see it: its owner and admins see the whole resource; anyone else what the public sees
 * (a user without their email; posts are public).
 */
export function eventFor(event: StoredEvent, reader: { id: string; role: Role }): Event {
  const whole = reader.role === 'admin' || reader.id === event.ownerId
  const { email: _email, ...publicData } = event.data
  const data = whole || !event.type.startsWith('user.') ? event.data : publicData
  return { id: event.id, type: event.type, timestamp: event.createdAt, data }
}

export interface WebhookEndpoint {
  id: string
  userId: string
  url: string
  description: string
  eventTypes: SubscribableType[]
  enabled: boolean
  /** Why it was disabled (set when deliveries kept failing for days); null while enabled. */
  disabledReason: string | null
  /** Until when the secret replaced by the last rotation still signs beside the new one; null when none does. */
  previousSecretExpiresAt: string | null
  version: number
  createdAt: string
  updatedAt: string
}

type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dead'

export interface WebhookDelivery {
  id: string
  endpointId: string
  eventId: string
  eventType: EventType
  status: DeliveryStatus
  attempts: number
  lastStatusCode: number | null
  lastError: string | null
  nextAttemptAt: string | null
  deliveredAt: string | null
  createdAt: string
}

/** Limits the document states. */
export const MAX_ENDPOINTS = 10
/** A delivery's body is at most this many bytes (the largest resource, a post of 20,000 characters, is well under it). */
export const MAX_PAYLOAD_BYTES = 256 * 1024
/** A receiver's answer is read up to this many bytes (kept as the delivery's last error); the rest is not read. */
export const MAX_RESPONSE_BYTES = 1024
/** A receiver has this long to answer. */
export const DELIVERY_TIMEOUT_MS = 10_000
/** The event log keeps this many days; the cron job deletes older events and their deliveries. */
export const EVENT_RETENTION_DAYS = 30
/** After a rotation, the old secret signs beside the new one for this long. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000
/** The default retry delays in seconds (about three days in all); WEBHOOK_RETRY_SCHEDULE overrides them. */
export const DEFAULT_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 43200, 43200, 43200, 43200, 43200]

/** The delay before the next attempt after `attempts` failed ones: the schedule's entry, its last once it runs out. */
export const retryDelay = (schedule: readonly number[], attempts: number) =>
  schedule[Math.min(Math.max(attempts, 1), schedule.length) - 1] ?? 60

const PRIVATE_V4: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 shared address space
  [0xa9fe0000, 16], // 169.254/16 link-local (cloud metadata)
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
  [0xc0000000, 24], // 192.0.0/24 protocol assignments
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xe0000000, 3], // 224/3 multicast and reserved
]
const LOOPBACK_V4: [number, number] = [0x7f000000, 8]

function v4(host: string): number | null {
  const parts = host.split('.')
  if (parts.length !== 4 || !parts.every((part) => /^[0-9]{1,3}$/.test(part) && Number(part) < 256)) return null
  return parts.reduce((value, part) => value * 256 + Number(part), 0)
}
const inRange = (address: number, [base, bits]: [number, number]) =>
  Math.floor(address / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits))

/** What kind of host a URL names, as far as its text tells (names are not resolved). */
function hostKind(hostname: string): 'public' | 'private' | 'loopback' {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback'
  const address = v4(host)
  if (address !== null) {
    if (inRange(address, LOOPBACK_V4)) return 'loopback'
    return PRIVATE_V4.some((range) => inRange(address, range)) ? 'private' : 'public'
  }
  if (!host.includes(':')) return 'public'
  if (host === '::1') return 'loopback'
  // Unspecified, unique local (fc00::/7), link-local (fe80::/10), and IPv4-mapped or -translated addresses.
  if (host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:') || host.startsWith('64:ff9b:')) {
    return 'private'
  }
  return 'public'
}

/**
 * What the document's `url` pattern admits (contract/schemas/webhooks.ts states the same one): https, a dotted host
 * name whose last label starts with a letter (so no IP address at all, and no single-label name such as localhost), an
 * optional port, then a path; no credentials (an `@` cannot stand in the host).
 */
const HTTPS_HOST_NAME =
  /^https:\/\/(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?::[0-9]{1,4})?(?:[/?#][\x21-\x7e]*)?$/

/**
 * Why this URL may not receive webhooks, or null when it may. Outside development: only what the document's pattern
 * admits, and no `.localhost` name. In development also plain http, localhost and loopback addresses (a receiver on
 * this machine), but never credentials or IP literals in private, link-local and reserved ranges.
 */
function endpointUrlProblem(url: string, development: boolean): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'Must be an absolute URL'
  }
  if (!development) {
    if (!HTTPS_HOST_NAME.test(url)) return 'Must be an https URL naming a host (no IP address, no credentials)'
    if (parsed.hostname.toLowerCase().endsWith('.localhost')) return 'Must not name localhost'
    return null
  }
  if (parsed.protocol !== 'https:' && !(development && parsed.protocol === 'http:')) return 'Must be an https URL'
  if (parsed.username || parsed.password) return 'Must not carry credentials (user:password@)'
  const kind = hostKind(parsed.hostname)
  if (kind === 'private') return 'Must not name a private, link-local or reserved IP address'
  if (kind === 'loopback' && !development) return 'Must not name localhost or a loopback address'
  return null
}

/** A URL the rules refuse: 400 VALIDATION_ERROR naming `url`. */
export function assertEndpointUrl(url: string, development: boolean): void {
  const problem = endpointUrlProblem(url, development)
  if (problem) throw new InvalidField('url', problem)
}
