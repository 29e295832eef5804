import { notFound } from '../domain/errors'
import { toPage, type Page, type PageRequest } from '../domain/page'
import type { Post } from '../domain/post'
import { assertCanActAs, assertCanWrite, type Actor } from '../domain/user'
import type { PostChanges, PostRepository, PostSort } from './ports'

type Deps = { posts: PostRepository }

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
  actor: Actor,
  authorId: string,
  input: { title: string; body: string },
): Promise<Post> {
  assertCanActAs(actor, authorId)
  assertCanWrite(actor)
  const post = await posts.create({ authorId, ...input })
  if (!post) throw notFound('User')
  return post
}

export async function updateUserPost(
  { posts }: Deps,
  actor: Actor,
  authorId: string,
  id: string,
  changes: PostChanges,
  ifVersion?: number[],
): Promise<Post> {
  assertCanActAs(actor, authorId)
  assertCanWrite(actor)
  const post = await posts.update(id, authorId, changes, ifVersion)
  if (!post) throw notFound('Post')
  return post
}

export async function deleteUserPost({ posts }: Deps, actor: Actor, authorId: string, id: string, ifVersion?: number[]): Promise<void> {
  assertCanActAs(actor, authorId)
  assertCanWrite(actor)
  if (!(await posts.delete(id, authorId, ifVersion))) throw notFound('Post')
}
