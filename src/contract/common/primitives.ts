import { z } from '@hono/zod-openapi'

/** Example values shared by many schemas, so the docs show one consistent story. */
export const examples = {
  requestId: '7f3c2a1e-4b5d-4e8f-9a0b-1c2d3e4f5a6b',
  time: '2026-11-25T09:30:00.000Z',
  userId: '3b241101-e2bb-4255-8caf-4136c566a962',
  postId: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80',
}

/** A UTC time as Date#toISOString writes it: 24 characters, 27 for years past 9999. */
export const Timestamp = z.iso.datetime().max(30)

// z.uuid() already admits exactly 36 characters; the bound is stated for readers of the document only.
export const Uuid = z.uuid().openapi({ maxLength: 36 })

/** hono's requestId middleware replaces any incoming id longer than this (see app.ts). */
export const REQUEST_ID_MAX_LENGTH = 128

export const IdParam = Uuid.openapi({
  param: { name: 'id', in: 'path', required: true },
  description: 'Resource id (UUID).',
  example: examples.userId,
})

/** Emails are trimmed and lower-cased before validation, so lookups are case-insensitive. */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email())
  .openapi({ type: 'string', format: 'email', maxLength: 254, example: 'alice@example.com' })
