import { notFound } from '../domain/errors'
import { toPage, type Page, type PageRequest } from '../domain/page'
import type { Post } from '../domain/post'
import type { Access } from '../domain/access'
import type { PostChanges, PostRepository, PostSort } from './ports'

type Deps = { posts: PostRepository }

/** Writing a user's posts: that user themselves or an admin, not a guest. */
const authorOf = (access: Access, authorId: string) => ({ access, permission: { actAs: authorId, write: true } })

export async function listPosts({ posts }: Deps, request: PageRequest<PostSort> & { authorId?: string }): Promise<Page<Post>> {
  const { items, total } = await posts.list(request)
  return toPage(items, total, request)
}

export async function listUserPosts({ posts }: Deps, authorId: string, request: PageRequest<PostSort>): Promise<Page<Post>> {
  const found = await posts.listByAuthor(authorId, request)
  if (!found) throw notFound('User')
  return toPage(found.items, found.total, request)
}

export async function getPost({ posts }: Deps, id: string): Promise<Post> {
  const post = await posts.get(id)
  if (!post) throw notFound('Post')
  return post
}

export async function createUserPost(
  { posts }: Deps,
  access: Access,
  authorId: string,
  input: { title: string; body: string },
): Promise<Post> {
  const post = await posts.create(authorOf(access, authorId), { authorId, ...input })
  if (!post) throw notFound('User')
  return post
}

export async function updateUserPost(
  { posts }: Deps,
  access: Access,
  authorId: string,
  id: string,
  changes: PostChanges,
  ifVersion?: number[],
): Promise<Post> {
  const post = await posts.update(authorOf(access, authorId), id, authorId, changes, ifVersion)
  if (!post) throw notFound('Post')
  return post
}

export async function deleteUserPost({ posts }: Deps, access: Access, authorId: string, id: string, ifVersion?: number[]): Promise<void> {
  if (!(await posts.delete(authorOf(access, authorId), id, authorId, ifVersion))) throw notFound('Post')
}
