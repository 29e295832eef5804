import { createRoute } from '@hono/zod-openapi'
import { NoQuery } from './common/query'
import { User } from './schemas/users'
import { dataResponse, noContent } from './common/envelopes'
import { etagHeader, IdempotencyHeaders, locationHeader, noStoreHeader, replayedHeader, SessionHeaders } from './common/headers'
import { link } from './common/links'
import { needs } from './common/security'
import { errorResponses, errors } from './errors/responses'
import { AuthSession, ChangePasswordRequest, LoginRequest, RegisterRequest } from './schemas/auth'

export const authOperations = {
  register: createRoute({
    method: 'post',
    path: '/api/auth/register',
    operationId: 'register',
    tags: ['Auth'],
    security: [],
    summary: 'Register an account',
    description:
      "Creates a user with the `user` role and returns a bearer token for it. A welcome email is sent in the background; its failure never fails the registration. An address registers once: after the first try, replace the example's `email` with another (409 CONFLICT otherwise).",
    request: {
      query: NoQuery,
      headers: IdempotencyHeaders,
      body: { required: true, content: { 'application/json': { schema: RegisterRequest } } },
    },
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
      ...errorResponses(errors.body, errors.idempotency, 'CONFLICT'),
    },
  }),

  login: createRoute({
    method: 'post',
    path: '/api/auth/login',
    operationId: 'login',
    tags: ['Auth'],
    security: [],
    summary: 'Log in',
    description:
      'Exchanges email and password for a bearer token valid for one hour. An unknown email and a wrong password get the same 401 INVALID_CREDENTIALS, and are counted and locked alike: 5 failures in a row from one network (an IPv4 address, an IPv6 /64) lock that network out of that account, 100 in a row from all networks together lock the account, each for 1, 2, 4, 8, then 16 minutes (429 RATE_LIMITED with Retry-After); a success clears the count of its network and the account-wide one.',
    request: {
      query: NoQuery,
      headers: IdempotencyHeaders,
      body: { required: true, content: { 'application/json': { schema: LoginRequest } } },
    },
    responses: {
      200: {
        ...dataResponse('AuthSession', AuthSession, 'Logged in; a token and the user.', { ...noStoreHeader, ...replayedHeader }),
        links: { getProfile: link('getProfile', 'Read your profile with the returned token.') },
      },
      ...errorResponses(errors.body, 'INVALID_CREDENTIALS', errors.idempotency),
    },
  }),

  getProfile: createRoute({
    method: 'get',
    path: '/api/profile',
    operationId: 'getProfile',
    tags: ['Auth'],
    summary: 'Get my profile',
    description: "The caller's own full record, email included. Never cached.",
    security: needs('read'),
    request: { query: NoQuery, headers: SessionHeaders },
    responses: {
      200: dataResponse('User', User, 'The signed-in user.', { ...noStoreHeader, ...etagHeader }),
      ...errorResponses(errors.input, errors.credentials),
    },
  }),

  changePassword: createRoute({
    method: 'put',
    path: '/api/profile/password',
    operationId: 'changePassword',
    tags: ['Auth'],
    summary: 'Change my password',
    description:
      'Sets a new password, given the current one. Every token issued before stops working at once (on every device); the answer carries a fresh one. A wrong current password is 403 REAUTHENTICATION_REQUIRED and counts towards the account lock. Only a login token may do it: an API key is 403 FORBIDDEN (keys never hold the `session` scope).',
    security: needs('session'),
    request: {
      query: NoQuery,
      headers: SessionHeaders,
      body: { required: true, content: { 'application/json': { schema: ChangePasswordRequest } } },
    },
    responses: {
      200: dataResponse('AuthSession', AuthSession, 'Changed; a fresh token (the old ones no longer work) and the user.', noStoreHeader),
      ...errorResponses(errors.body, errors.credentials, 'REAUTHENTICATION_REQUIRED'),
    },
  }),

  logout: createRoute({
    method: 'post',
    path: '/api/auth/logout',
    operationId: 'logout',
    tags: ['Auth'],
    summary: 'Sign out everywhere',
    description:
      'Ends every token the caller holds, on every device, at once: each is refused with 401 from then on. Log in again for a new one. API keys are not tokens and keep working.',
    security: needs('session'),
    request: { query: NoQuery, headers: SessionHeaders },
    responses: {
      204: noContent('Signed out: every token issued so far is ended. No body.'),
      ...errorResponses(errors.input, errors.credentials),
    },
  }),
}
