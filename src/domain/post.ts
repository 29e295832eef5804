export interface Post {
  id: string
  authorId: string
  title: string
  body: string
  createdAt: string
  updatedAt: string
}
