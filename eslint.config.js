// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// Layer rules from shared/design.md: dependencies point http -> application -> domain; contract depends on zod alone.
// Bare package names go in `paths` (a `patterns` entry "hono" would also match "hono/jwt" and defeat a negation).
const restrict = (files, modules, message) => {
  const bare = modules.filter((m) => !m.includes('/') && !m.includes('*'))
  const patterns = modules.filter((m) => !bare.includes(m))
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { paths: bare.map((name) => ({ name, message })), patterns: [{ group: patterns, message }] }],
    },
  }
}

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'coverage',
      '**/.wrangler',
      'generated/dist',
      'public',
      'generated/schema.d.ts',
      'worker-configuration.d.ts',
      'test-output',
      'bench/results.json',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  restrict(
    ['src/domain/**'],
    [
      'hono',
      'hono/*',
      '@hono/*',
      'drizzle-orm',
      'drizzle-orm/*',
      'zod',
      '**/application/**',
      '**/infrastructure/**',
      '**/http/**',
      '**/contract/**',
    ],
    'domain is plain TypeScript: no frameworks and no outer layers',
  ),
  restrict(
    ['src/application/**'],
    ['hono', 'hono/*', '@hono/*', 'drizzle-orm', 'drizzle-orm/*', '**/infrastructure/**', '**/http/**', '**/contract/**'],
    'use cases depend on ports, not on adapters, HTTP or the contract',
  ),
  restrict(
    ['src/contract/**'],
    ['hono', 'hono/*', 'drizzle-orm', 'drizzle-orm/*', '**/domain/**', '**/application/**', '**/infrastructure/**', '**/http/**'],
    'the contract is zod + createRoute only',
  ),
  // hono/jwt is allowed here: it is used as a JWT library, not for HTTP.
  restrict(
    ['src/infrastructure/**'],
    ['hono', 'hono/*', '!hono/jwt', '@hono/*', '**/http/**', '**/contract/**'],
    'adapters implement ports; they do not know HTTP',
  ),
)
