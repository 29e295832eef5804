import type { EmailService } from '../application/ports'

interface SentEmail {
  to: string
  template: 'welcome'
  at: string
}

/** Default adapter: records the message in memory (bounded) instead of sending it. A real provider implements the same port. */
export const outbox: SentEmail[] = []
const OUTBOX_LIMIT = 100

export function logEmailService(log: (message: string, fields: Record<string, unknown>) => void): EmailService {
  return {
    async sendWelcome(to) {
      outbox.push({ to: to.email, template: 'welcome', at: new Date().toISOString() })
      if (outbox.length > OUTBOX_LIMIT) outbox.shift()
      log('email.sent', { template: 'welcome', to: maskEmail(to.email) })
    },
  }
}

/** `alice@example.com` -> `a***@example.com`: enough to trace, not enough to harvest. */
function maskEmail(email: string): string {
  const at = email.indexOf('@')
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`
}
