import { createRoute, z } from '@hono/zod-openapi'
import { User } from './users'
import { dataResponse } from './common/envelopes'
import { etagHeader, IdempotencyHeaders, locationHeader, noStoreHeader, replayedHeader, SessionHeaders } from './common/headers'
import { link } from './common/links'
import { Email, examples, Timestamp } from './common/primitives'
import { bodyErrors, errorResponses, errorResponsesWith, idempotencyErrors } from './errors/responses'

const Password = z.string().min(8).max(128).openapi({
  description: '8 to 128 characters. Stored only as a salted PBKDF2-SHA256 hash.',
  example: 'correct-horse-battery',
})

const RegisterRequest = z
  .strictObject({
    email: Email,
    name: z.string().trim().min(1).max(100).openapi({ example: 'Alice Example' }),
    password: Password,
  })
  .openapi('RegisterRequest', { example: { email: 'alice@example.com', name: 'Alice Example', password: 'correct-horse-battery' } })

const LoginRequest = z
  .strictObject({ email: Email, password: z.string().min(1).max(128).openapi({ example: 'correct-horse-battery' }) })
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

export const authOperations = {
  register: createRoute({
    method: 'post',
    path: '/api/auth/register',
    operationId: 'register',
    tags: ['Auth'],
    summary: 'Register an account',
    description:
      'Creates a user with the `user` role and returns a bearer token for it. A welcome email is sent in the background; its failure never fails the registration.',
    request: { headers: IdempotencyHeaders, body: { required: true, content: { 'application/json': { schema: RegisterRequest } } } },
    responses: {
      201: {
        ...dataResponse('AuthSession', AuthSession, 'Registered; the new user and a token.', {
          ...locationHeader,
          ...noStoreHeader,
          ...replayedHeader,
        }),
        links: {
          getProfile: link('getProfile', 'Read the new profile with the returned token.'),
          getUser: link('getUser', "Read the new user's public representation.", { id: '$response.body#/data/user/id' }),
        },
      },
      ...errorResponses(...bodyErrors, ...idempotencyErrors),
    },
  }),

  login: createRoute({
    method: 'post',
    path: '/api/auth/login',
    operationId: 'login',
    tags: ['Auth'],
    summary: 'Log in',
    description:
      'Exchanges email and password for a bearer token valid for one hour. An unknown email and a wrong password get the same 401 INVALID_CREDENTIALS.',
    request: { headers: IdempotencyHeaders, body: { required: true, content: { 'application/json': { schema: LoginRequest } } } },
    responses: {
      200: {
        ...dataResponse('AuthSession', AuthSession, 'Logged in; a token and the user.', { ...noStoreHeader, ...replayedHeader }),
        links: { getProfile: link('getProfile', 'Read your profile with the returned token.') },
      },
      ...errorResponsesWith({ 401: ['INVALID_CREDENTIALS'] }, ...bodyErrors, 401, ...idempotencyErrors),
    },
  }),

  getProfile: createRoute({
    method: 'get',
    path: '/api/profile',
    operationId: 'getProfile',
    tags: ['Auth'],
    summary: 'Get my profile',
    description: "The caller's own full record, email included. Never cached.",
    security: [{ bearerAuth: [] }],
    request: { headers: SessionHeaders },
    responses: {
      200: dataResponse('User', User, 'The signed-in user.', { ...noStoreHeader, ...etagHeader }),
      ...errorResponses(400, 401),
    },
  }),
}
