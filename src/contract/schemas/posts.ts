import { z } from '@hono/zod-openapi'
import { PageQuery, sortParameter } from '../common/query'
import { examples, IdParam, Timestamp, Uuid, visibleText } from '../common/primitives'

const postId = Uuid.openapi({ example: examples.postId })
const title = visibleText(1, 200).openapi({ example: 'Designing contract-first APIs' })
const body = visibleText(1, 20_000).openapi({ example: 'Write the contract once and derive everything else from it.' })

export const examplePost = {
  id: examples.postId,
  authorId: examples.userId,
  title: 'Designing contract-first APIs',
  body: 'Write the contract once and derive everything else from it.',
  createdAt: examples.time,
  updatedAt: examples.time,
}

export const Post = z
  .object({
    id: postId,
    authorId: Uuid.openapi({ example: examplePost.authorId, description: 'The user who wrote the post.' }),
    title,
    body,
    createdAt: Timestamp.openapi({ example: examples.time }),
    updatedAt: Timestamp.openapi({ example: examples.time }),
  })
  .openapi('Post', { example: examplePost })

export const CreatePostRequest = z
  .strictObject({ title, body })
  .openapi('CreatePostRequest', { example: { title: examplePost.title, body: examplePost.body } })

export const UpdatePostRequest = z
  .strictObject({ title: title.optional(), body: body.optional() })
  .refine((value) => Object.keys(value).length > 0, { message: 'must name at least one field to change' })
  .openapi('UpdatePostRequest', { minProperties: 1, example: { title: 'Designing contract-first APIs, revisited' } })

const sort = sortParameter(['createdAt', 'title'], 'PostSortField', 'posts')

export const PostListQuery = z.strictObject({
  ...PageQuery,
  sort,
  authorId: Uuid.optional().openapi({
    param: { name: 'authorId', in: 'query' },
    description: 'Only posts by this user. Ignored when `cursor` is given: the cursor keeps the filter it was made with.',
    example: examplePost.authorId,
  }),
})
export const UserPostListQuery = z.strictObject({ ...PageQuery, sort })

const PostIdParam = Uuid.openapi({
  param: { name: 'postId', in: 'path', required: true },
  description: 'Post id (UUID). Replace the example with an id you read: `data.id` of GET /api/posts, or of the post you created.',
  example: examplePost.id,
})
export const userParams = z.object({ id: IdParam })
export const postParams = z.object({ id: IdParam, postId: PostIdParam })
