import { createRoute, z } from '@hono/zod-openapi'
import { dataResponse, listResponse, noContent, notModified } from './common/envelopes'
import {
  cacheHeaders,
  etagHeader,
  IdempotencyHeaders,
  IfMatchHeaders,
  locationHeader,
  replayedHeader,
  SessionHeaders,
  workerCacheHeader,
} from './common/headers'
import { link } from './common/links'
import { needs } from './common/security'
import { NoQuery } from './common/query'
import { IdParam } from './common/primitives'
import { errorResponses, errors } from './errors/responses'
import {
  CreatePostRequest,
  Post,
  PostListQuery,
  UpdatePostRequest,
  UserPostListQuery,
  examplePost,
  postParams,
  userParams,
} from './schemas/posts'

export const postOperations = {
  listPosts: createRoute({
    method: 'get',
    path: '/api/posts',
    operationId: 'listPosts',
    tags: ['Posts'],
    security: [],
    summary: 'List posts',
    description: 'Every post, paginated, optionally only those of one author.',
    request: { query: PostListQuery, headers: SessionHeaders },
    responses: {
      200: {
        ...listResponse('Post', Post, 'A page of posts.', cacheHeaders),
        links: { getPost: link('getPost', 'Read a listed post (here the first).', { id: '$response.body#/data/0/id' }) },
      },
      304: notModified,
      ...errorResponses(errors.list),
    },
  }),

  getPost: createRoute({
    method: 'get',
    path: '/api/posts/{id}',
    operationId: 'getPost',
    tags: ['Posts'],
    security: [],
    summary: 'Get a post',
    description: 'One post.',
    request: {
      query: NoQuery,
      params: z.object({
        id: IdParam.openapi({
          description: 'Post id (UUID). Replace the example with an id you read: `data.id` of GET /api/posts, or of the post you created.',
          example: examplePost.id,
        }),
      }),
      headers: SessionHeaders,
    },
    responses: {
      200: dataResponse('Post', Post, 'The post.', { ...cacheHeaders, ...workerCacheHeader }),
      304: notModified,
      ...errorResponses(errors.input, 'NOT_FOUND'),
    },
  }),

  listUserPosts: createRoute({
    method: 'get',
    path: '/api/users/{id}/posts',
    operationId: 'listUserPosts',
    tags: ['Posts'],
    security: [],
    summary: "List a user's posts",
    description: 'The posts one user wrote, paginated. 404 when the user does not exist.',
    request: { params: userParams, query: UserPostListQuery, headers: SessionHeaders },
    responses: {
      200: {
        ...listResponse('Post', Post, "A page of the user's posts.", cacheHeaders),
        links: { getPost: link('getPost', 'Read a listed post (here the first).', { id: '$response.body#/data/0/id' }) },
      },
      304: notModified,
      ...errorResponses(errors.list, 'NOT_FOUND'),
    },
  }),

  createUserPost: createRoute({
    method: 'post',
    path: '/api/users/{id}/posts',
    operationId: 'createUserPost',
    tags: ['Posts'],
    summary: 'Create a post',
    description:
      'The user (or an admin) publishes a post as that user. An account keeps at most 10,000 posts, and 10 MiB of titles and bodies together (UTF-8 bytes): beyond either, 403 QUOTA_EXCEEDED.',
    security: needs('write'),
    request: {
      query: NoQuery,
      params: userParams,
      headers: IdempotencyHeaders,
      body: { required: true, content: { 'application/json': { schema: CreatePostRequest } } },
    },
    responses: {
      201: {
        ...dataResponse('Post', Post, 'Created.', {
          ...locationHeader,
          ...etagHeader,
          ...replayedHeader,
        }),
        links: {
          getPost: link('getPost', 'Read the created post.', { id: '$response.body#/data/id' }),
          updateUserPost: link('updateUserPost', 'Edit the created post.', {
            id: '$response.body#/data/authorId',
            postId: '$response.body#/data/id',
          }),
          deleteUserPost: link('deleteUserPost', 'Delete the created post.', {
            id: '$response.body#/data/authorId',
            postId: '$response.body#/data/id',
          }),
        },
      },
      ...errorResponses(errors.body, errors.credentials, 'NOT_FOUND', errors.idempotency, 'CONFLICT', 'QUOTA_EXCEEDED'),
    },
  }),

  updateUserPost: createRoute({
    method: 'patch',
    path: '/api/users/{id}/posts/{postId}',
    operationId: 'updateUserPost',
    tags: ['Posts'],
    summary: 'Update a post',
    description:
      "The author (or an admin) changes the fields given. 404 when the post is not that user's. A change that lengthens the post beyond the author's 10 MiB of titles and bodies is 403 QUOTA_EXCEEDED; shortening one is always allowed.",
    security: needs('write'),
    request: {
      query: NoQuery,
      params: postParams,
      headers: IfMatchHeaders,
      body: { required: true, content: { 'application/json': { schema: UpdatePostRequest } } },
    },
    responses: {
      200: dataResponse('Post', Post, 'Updated.', etagHeader),
      ...errorResponses(errors.body, errors.credentials, 'NOT_FOUND', errors.ifMatch, 'QUOTA_EXCEEDED'),
    },
  }),

  deleteUserPost: createRoute({
    method: 'delete',
    path: '/api/users/{id}/posts/{postId}',
    operationId: 'deleteUserPost',
    tags: ['Posts'],
    summary: 'Delete a post',
    description: "The author (or an admin) deletes one post. 404 when the post is not that user's.",
    security: needs('write'),
    request: { query: NoQuery, params: postParams, headers: IfMatchHeaders },
    responses: {
      204: noContent('Deleted the post. No body.'),
      ...errorResponses(errors.input, errors.credentials, 'NOT_FOUND', errors.ifMatch),
    },
  }),
}
