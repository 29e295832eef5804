/**
 * `npm run -s openapi:changelog -- <base.json> <head.json> [--date YYYY-MM-DD]`: prints the Markdown changelog of the
 * contract from base to head: breaking changes first, then deprecations, additions and other changes, each line naming
 * the operation (method, path, operationId) and the field, or, for a change to a schema several operations share, the
 * component once with the operations using it. Exit 0, or 2 on bad input. At a release its output goes on
 * top of generated/CHANGELOG.md (docs/versioning.md).
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { diffDocuments, parseDocument, usedBy, type Change, type ChangeKind, type OpenApiDocument } from './lib/openapi-diff'

type Print = (line: string) => void

const SECTIONS: Array<{ kind: ChangeKind; title: string; one: string; many: string }> = [
  { kind: 'breaking', title: 'Breaking changes', one: 'breaking change', many: 'breaking changes' },
  { kind: 'deprecated', title: 'Deprecated', one: 'deprecation', many: 'deprecations' },
  { kind: 'added', title: 'Added', one: 'addition', many: 'additions' },
  { kind: 'changed', title: 'Changed', one: 'other change', many: 'other changes' },
]

/**
 * Field, parameter, header and media type names in code spans: "property `data[].age` removed". Values the line
 * already quotes (a pattern, a format) are left as they are: they come last, in their own code spans.
 */
function codeSpans(detail: string): string {
  const quoted = detail.indexOf('`')
  const names = quoted < 0 ? detail : detail.slice(0, quoted)
  const rest = quoted < 0 ? '' : detail.slice(quoted)
  return (
    names.replace(
      /\b(property|parameter|header(?! parameter)|content type) (\S+)/g,
      (_match, what: string, name: string) => `${what} \`${name}\``,
    ) + rest
  )
}

const ids = (operationIds: string[]): string => operationIds.map((id) => `\`${id}\``).join(', ')

function line(change: Change): string {
  if (change.component) {
    return `- **${change.component}** (component): ${codeSpans(change.detail)}; used by ${usedBy(change.operationIds, (id) => `\`${id}\``)}`
  }
  const named = change.operationIds.length ? ` (${ids(change.operationIds)})` : ''
  const where = change.method ? `${change.method} ${change.path}` : (change.path ?? '')
  return where ? `- **${where}**${named}: ${codeSpans(change.detail)}` : `- ${codeSpans(change.detail)}`
}

/** The Markdown section of one release: `## <head version>`, then one list per kind of change that has any. */
export function renderChangelog(base: OpenApiDocument, head: OpenApiDocument, options: { date?: string } = {}): string {
  const diff = diffDocuments(base, head)
  const from = base.info?.version ?? 'unknown'
  const to = head.info?.version ?? 'unknown'
  const lines = [`## ${to}${options.date ? ` (${options.date})` : ''}`, '']
  const total = SECTIONS.reduce((sum, { kind }) => sum + diff[kind].length, 0)
  if (total === 0) {
    lines.push(
      JSON.stringify(base) === JSON.stringify(head)
        ? `No change since ${from}.`
        : `No change to operations, parameters, bodies or responses since ${from} (documentation only).`,
    )
    return `${lines.join('\n')}\n`
  }
  const counts = SECTIONS.filter(({ kind }) => diff[kind].length > 0).map(
    ({ kind, one, many }) => `${diff[kind].length} ${diff[kind].length === 1 ? one : many}`,
  )
  const first = Object.keys(base.paths ?? {}).length === 0
  lines.push(first ? `The first release: ${counts.join(', ')}.` : `Changes to the contract since ${from}: ${counts.join(', ')}.`)
  for (const { kind, title } of SECTIONS) {
    if (diff[kind].length === 0) continue
    lines.push('', `### ${title}`, '')
    if (kind === 'breaking') lines.push('Code written against the previous version may stop working:', '')
    lines.push(...diff[kind].map(line))
  }
  return `${lines.join('\n')}\n`
}

/** The whole CLI, with its output passed in so tests can run it in-process. */
export function runChangelog(args: string[], out: Print, err: Print): number {
  const files: string[] = []
  let date: string | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (arg === '--date') date = args[++i]
    else files.push(arg)
  }
  const [basePath, headPath] = files
  if (!basePath || !headPath || files.length > 2 || (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date))) {
    err('usage: openapi-changelog <base.json> <head.json> [--date YYYY-MM-DD]')
    return 2
  }
  try {
    const base = parseDocument(readFileSync(basePath, 'utf8'), basePath)
    const head = parseDocument(readFileSync(headPath, 'utf8'), headPath)
    out(renderChangelog(base, head, date === undefined ? {} : { date }).trimEnd())
    return 0
  } catch (error) {
    err(`openapi-changelog: ${error instanceof Error ? error.message : String(error)}`)
    return 2
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = runChangelog(process.argv.slice(2), console.log, console.error)
}
