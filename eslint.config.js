// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// Layer rules (docs/architecture.md): http -> application -> domain; infrastructure implements application's ports;
// runtime wires adapters to ports; contract depends on zod alone. Every layer of src/ has a rule.
// Bare package names go in `paths` (a `patterns` entry "hono" would also match "hono/jwt" and defeat a negation).
const restrict = (files, modules, message, { allowTypeImports = false } = {}) => {
  const bare = modules.filter((m) => !m.includes('/') && !m.includes('*'))
  const patterns = modules.filter((m) => !bare.includes(m))
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: bare.map((name) => ({ name, message, allowTypeImports })), patterns: [{ group: patterns, message, allowTypeImports }] },
      ],
    },
  }
}
// Another layer of src/, however it is reached (../http/x, ../../http/x).
const layers = (...names) => names.map((name) => `**/${name}/**`)
const hono = ['hono', 'hono/*', '@hono/*']
const drizzle = ['drizzle-orm', 'drizzle-orm/*']

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
      'tools/*/node_modules',
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
  // One concept a file: no file in src/ grows past 200 lines.
  { files: ['src/**/*.ts'], rules: { 'max-lines': ['error', { max: 200 }] } },
  restrict(
    ['src/domain/**'],
    [...hono, ...drizzle, 'zod', ...layers('application', 'infrastructure', 'http', 'contract', 'runtime')],
    'domain is plain TypeScript: no frameworks and no outer layers',
  ),
  restrict(
    ['src/application/**'],
    [...hono, ...drizzle, ...layers('infrastructure', 'http', 'contract', 'runtime')],
    'use cases depend on ports, not on adapters, HTTP or the contract',
  ),
  restrict(
    ['src/contract/**'],
    ['hono', 'hono/*', ...drizzle, ...layers('domain', 'application', 'infrastructure', 'http', 'runtime')],
    'the contract is zod + createRoute only',
  ),
  // hono/jwt is allowed here: it is used as a JWT library, not for HTTP.
  restrict(
    ['src/infrastructure/**'],
    ['hono', 'hono/*', '!hono/jwt', '@hono/*', ...layers('http', 'contract', 'runtime')],
    'adapters implement ports; they do not know HTTP',
  ),
  restrict(
    ['src/http/**'],
    [...drizzle, ...layers('infrastructure')],
    'handlers reach adapters only through runtime/ (the composition root)',
  ),
  // The composition root names every adapter; from http/ it takes only the request context's type.
  restrict(['src/runtime/**'], layers('http'), 'runtime wires adapters to ports; it does not use handlers or middleware', {
    allowTypeImports: true,
  }),
)
