import { z } from '@hono/zod-openapi'
import './messages'

/** Example values shared by many schemas, so the docs show one consistent story. */
export const examples = {
  requestId: '7f3c2a1e-4b5d-4e8f-9a0b-1c2d3e4f5a6b',
  time: '2026-11-25T09:30:00.000Z',
  userId: '3b241101-e2bb-4255-8caf-4136c566a962',
  postId: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80',
}

/** A UTC time as Date#toISOString writes it: 24 characters, 27 for years past 9999. */
export const Timestamp = z.iso.datetime().max(30)

// JSON Schema's `format: uuid` is any 8-4-4-4-12 hex string (RFC 9562's syntax), which is what z.guid() admits; z.uuid()
// would also demand a version and variant, and refuse ids the document allows. The ids we make are version 4.
// The bound is stated for readers of the document only.
// Case-insensitive on input (RFC 9562): an upper-case id names the same row, read in the lower case the ids are stored in.
export const Uuid = z.guid().toLowerCase().openapi({ format: 'uuid', maxLength: 36 })

/** hono's requestId middleware replaces any incoming id longer than this (see app.ts). */
export const REQUEST_ID_MAX_LENGTH = 128

export const IdParam = Uuid.openapi({
  param: { name: 'id', in: 'path', required: true },
  description:
    'Resource id (UUID). The example names no row of yours: replace it with an id you read (a user: `data.id` of GET /api/users, or `data.user.id` of register or login).',
  example: examples.userId,
})

/**
 * An address as RFC 5321 writes a mailbox with a dot-atom local part (what `format: email` means in JSON Schema), less
 * quoted local parts, address literals and single-label domains (`a@com`): stated as a pattern, so the document says
 * exactly what is accepted. The pattern has no lookahead, so mock servers and generators can make values that match it;
 * RFC 5321's length limits (64 characters before the @, 253 after) are checked beside it and stated in the description.
 * Stored as sent; compared without regard to ASCII case.
 */
const EMAIL_PATTERN =
  "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
const withinLimits = (address: string) => {
  const at = address.lastIndexOf('@')
  return at <= 64 && address.length - at - 1 <= 253
}
export const Email = z
  .email({
    pattern: new RegExp(EMAIL_PATTERN),
    error: (issue) => (issue.code === 'invalid_format' ? 'must be an email address such as alice@example.com' : undefined),
  })
  .max(254)
  .refine(withinLimits, 'must have at most 64 characters before the @ and 253 after it')
  .openapi({
    format: 'email',
    pattern: EMAIL_PATTERN,
    maxLength: 254,
    description: 'An email address: at most 64 characters before the @ and 253 after it (RFC 5321).',
    example: 'alice@example.com',
  })

// Well-formed Unicode: a lone surrogate (JSON can spell one, "\ud800") cannot be stored as sent; see the document's
// description. Checked, not emitted as a pattern: most regex engines outside JavaScript cannot read one that says it.
const wellFormed = (text: string) => !/\p{Cs}/u.test(text)
const WELL_FORMED = 'must be well-formed Unicode text (no unpaired surrogates)'

/** Request text: well-formed, its length bounded in code points (as JSON Schema counts). */
export const text = (min: number, max: number) => z.string().min(min).max(max).refine(wellFormed, WELL_FORMED)

/**
 * Text a person reads (names, titles, bodies): also not blank, i.e. it has a character other than space, tab and line
 * breaks. Stored exactly as sent, never trimmed.
 */
export const visibleText = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/[^\t\n\v\f\r ]/, 'must contain a character other than spaces, tabs and line breaks')
    .refine(wellFormed, WELL_FORMED)
