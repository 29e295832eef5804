import { z } from '@hono/zod-openapi'
import { CurrentPassword, NewPassword, User } from './users'
import { Email, examples, text, Timestamp, visibleText } from '../common/primitives'

export const RegisterRequest = z
  .strictObject({
    email: Email,
    name: visibleText(1, 100).openapi({ example: 'Alice Example' }),
    password: NewPassword,
  })
  .openapi('RegisterRequest', { example: { email: 'alice@example.com', name: 'Alice Example', password: 'correct-horse-battery' } })

export const LoginRequest = z
  .strictObject({ email: Email, password: text(1, 128).openapi({ example: 'correct-horse-battery' }) })
  .openapi('LoginRequest', { example: { email: 'alice@example.com', password: 'correct-horse-battery' } })

const exampleUser = {
  id: examples.userId,
  email: 'alice@example.com',
  name: 'Alice Example',
  role: 'user',
  createdAt: examples.time,
  updatedAt: examples.time,
} as const

export const AuthSession = z
  .object({
    // An HS256 JWT with four short claims is about 200 characters.
    token: z.string().max(1024).openapi({
      description: 'JWT (HS256) to send as `Authorization: Bearer <token>`.',
      example: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIzYjI0In0.c2lnbmF0dXJl',
    }),
    tokenType: z.literal('Bearer').openapi('TokenType', { description: 'Always Bearer.', example: 'Bearer' }),
    expiresAt: Timestamp.openapi({
      description: 'When the token stops working (1 hour after issue).',
      example: '2026-11-25T10:30:00.000Z',
    }),
    user: User,
  })
  .openapi('AuthSession', {
    example: {
      token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIzYjI0In0.c2lnbmF0dXJl',
      tokenType: 'Bearer',
      expiresAt: '2026-11-25T10:30:00.000Z',
      user: exampleUser,
    },
  })

export const ChangePasswordRequest = z
  .strictObject({ currentPassword: CurrentPassword, newPassword: NewPassword })
  .openapi('ChangePasswordRequest', { example: { currentPassword: 'correct-horse-battery', newPassword: 'staple-battery-horse-correct' } })
