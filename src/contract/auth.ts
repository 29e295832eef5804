import { createRoute, z } from '@hono/zod-openapi'
import { User } from './users'
import {
  bodyErrors,
  dataResponse,
  link,
  Email,
  errorResponses,
  errorResponsesWith,
  etagHeader,
  examples,
  IdempotencyHeaders,
  idempotencyErrors,
  locationHeader,
  replayedHeader,
  SessionHeaders,
  Timestamp,
} from './shared'

export const Password = z.string().min(8).max(128).openapi({
  description: '8 to 128 characters. Stored only as a salted PBKDF2-SHA256 hash.',
  example: 'correct-horse-battery',
})

export const RegisterRequest = z
  .strictObject({
    email: Email,
    name: z.string().trim().min(1).max(100).openapi({ example: 'Alice Example' }),
    password: Password,
  })
  .openapi('RegisterRequest', { example: { email: 'alice@example.com', name: 'Alice Example', password: 'correct-horse-battery' } })

export const LoginRequest = z
  .strictObject({ email: Email, password: z.string().min(1).max(128).openapi({ example: 'correct-horse-battery' }) })
  .openapi('LoginRequest', { example: { email: 'alice@example.com', password: 'correct-horse-battery' } })

const exampleUser = {
  id: '3b241101-e2bb-4255-8caf-4136c566a962',
  email: 'alice@example.com',
  name: 'Alice Example',
  role: 'user',
  createdAt: examples.time,
  updatedAt: examples.time,
} as const

export const AuthSession = z
  .object({
    // An HS256 JWT with four short claims is about 200 characters.
    token: z
      .string()
      .max(1024)
      .openapi({
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

const noStore = {
  'Cache-Control': z
    .string()
    .max(128)
    .openapi({ description: 'Credentials are never cached.', example: 'private, no-cache, no-store, must-revalidate' }),
}

export const register = createRoute({
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
        ...noStore,
        ...replayedHeader,
      }),
      links: {
        getProfile: link('getProfile', 'Read the new profile with the returned token.'),
        getUser: link('getUser', "Read the new user's public representation.", { id: '$response.body#/data/user/id' }),
      },
    },
    ...errorResponses(...bodyErrors, ...idempotencyErrors),
  },
})

export const login = createRoute({
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
      ...dataResponse('AuthSession', AuthSession, 'Logged in; a token and the user.', { ...noStore, ...replayedHeader }),
      links: { getProfile: link('getProfile', 'Read your profile with the returned token.') },
    },
    ...errorResponsesWith({ 401: ['INVALID_CREDENTIALS'] }, ...bodyErrors, 401, ...idempotencyErrors),
  },
})

export const getProfile = createRoute({
  method: 'get',
  path: '/api/profile',
  operationId: 'getProfile',
  tags: ['Auth'],
  summary: 'Get my profile',
  description: "The caller's own full record, email included. Never cached.",
  security: [{ bearerAuth: [] }],
  request: { headers: SessionHeaders },
  responses: {
    200: dataResponse('User', User, 'The signed-in user.', { ...noStore, ...etagHeader }),
    ...errorResponses(400, 401),
  },
})

export const authRoutes = [register, login, getProfile]
