export interface Post {
  id: string
  authorId: string
  title: string
  body: string
  version: number
  createdAt: string
  updatedAt: string
}
