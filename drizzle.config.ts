import { defineConfig } from 'drizzle-kit'

// drizzle-kit writes SQL migrations into migrations/; wrangler applies them (d1 migrations apply).
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/infrastructure/d1/schema.ts',
  out: './migrations',
})
