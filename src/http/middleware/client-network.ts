import type { Context } from 'hono'
import type { AppEnv } from '../app-env'

/**
 * The client's network, as password attempts are counted against it: its IPv4 address, or its IPv6 address's /64 (one
 * subscriber is usually given a whole /64, so a full address would hand an attacker 2^64 fresh counters).
 */
export function clientNetwork(c: Context<AppEnv>): string {
  const ip = c.req.header('CF-Connecting-IP') ?? 'unknown'
  if (!ip.includes(':')) return ip
  const [head = '', tail] = ip.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  return `${groups
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
    .join(':')}::/64`
}
