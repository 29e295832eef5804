export interface Post {
  id: string
  authorId: string
  title: string
  body: string
  version: number
  createdAt: string
  updatedAt: string
}

/** What one account may keep: its posts, and the UTF-8 bytes of their titles and bodies together. */
export const POST_QUOTA = { posts: 10_000, bytes: 10 * 1024 * 1024 } as const
