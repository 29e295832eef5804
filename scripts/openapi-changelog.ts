/**
 * `npm run -s openapi:changelog -- <base.json> <head.json> [--date YYYY-MM-DD]`: prints the Markdown changelog of the
 * contract from base to head, by what a client must do: breaking changes that need code changed, breaking changes that
 * are constraints only, deprecations, then additions and other changes (nothing to do); each line names the operation
 * (method, path, operationId) and the field, one line for the same change to several operations, or, for a change to a
 * schema several operations share, the component once with the operations using it. Then the SDK's own changes in that
 * version, from generated/sdk-changes/<version>.md. Exit 0, or 2 on bad input. At a release its output goes on
 * top of generated/CHANGELOG.md (docs/versioning.md).
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { diffDocuments, parseDocument, usedBy, type Change, type ChangeKind, type OpenApiDocument } from './lib/openapi-diff'

type Print = (line: string) => void

/**
 * The sections, by what a client must do: breaking changes that need code changed; breaking changes that are
 * constraints only (a value that was accepted or promised no longer is: check your data, usually nothing to change);
 * deprecations to move off; additions and other changes, which need nothing.
 */
const SECTIONS: Array<{ title: string; lead?: string; pick: (change: Change) => boolean }> = [
  {
    title: 'Breaking: change your code',
    lead: 'Code written against the previous version may stop working until it is changed:',
    pick: (change) => change.kind === 'breaking' && !constraintOnly(change),
  },
  {
    title: 'Breaking, constraints only: check your values',
    lead: 'A value that was accepted or promised before no longer is; code that sends and expects valid values needs no change:',
    pick: (change) => change.kind === 'breaking' && constraintOnly(change),
  },
  { title: 'Deprecated: move off before the sunset', pick: (change) => change.kind === 'deprecated' },
  { title: 'Added: nothing to do', pick: (change) => change.kind === 'added' },
  { title: 'Changed: nothing to do', pick: (change) => change.kind === 'changed' },
]
const COUNTS: Array<{ kind: ChangeKind; one: string; many: string }> = [
  { kind: 'breaking', one: 'breaking change', many: 'breaking changes' },
  { kind: 'deprecated', one: 'deprecation', many: 'deprecations' },
  { kind: 'added', one: 'addition', many: 'additions' },
  { kind: 'changed', one: 'other change', many: 'other changes' },
]

/** A change to a value's bounds or form, or a response enum that promises fewer values: nothing a valid client sends or reads changes shape. */
function constraintOnly(change: Change): boolean {
  const detail = change.detail.split('`')[0] ?? ''
  if (/\b(pattern|format|maxLength|minLength|maxItems|minItems|maxProperties|minProperties|maximum|minimum|uniqueItems)\b/.test(detail))
    return true
  return /^response \d+ body/.test(detail) && /\benum (narrowed|values? )/.test(detail)
}

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
const operation = (change: Change) => {
  const named = change.operationIds.length ? ` (${ids(change.operationIds)})` : ''
  const where = change.method ? `${change.method} ${change.path}` : (change.path ?? '')
  return where ? `**${where}**${named}` : ''
}

/** The lines of one section: the same change to several operations is one line naming them all. */
function lines(changes: Change[]): string[] {
  const byDetail = new Map<string, Change[]>()
  for (const change of changes) {
    // A whole operation (new, deprecated, removed) keeps its own line.
    const whole = /^(new operation|operation |path )/.test(change.detail)
    const key = change.component ? `component ${change.component} ${change.detail}` : whole ? change.message : change.detail
    byDetail.set(key, [...(byDetail.get(key) ?? []), change])
  }
  return [...byDetail.values()].map((group) => {
    const [first] = group as [Change, ...Change[]]
    if (first.component)
      return `- **${first.component}** (component): ${codeSpans(first.detail)}; used by ${usedBy(first.operationIds, (id) => `\`${id}\``)}`
    if (group.length > 1) return `- ${codeSpans(first.detail)}: ${group.map(operation).join(', ')}`
    const where = operation(first)
    return where ? `- ${where}: ${codeSpans(first.detail)}` : `- ${codeSpans(first.detail)}`
  })
}

/** What the SDK itself does differently in a release, kept by hand in generated/sdk-changes/<version>.md (a list). */
export function sdkNotes(version: string): string[] {
  const file = fileURLToPath(new URL(`../generated/sdk-changes/${version}.md`, import.meta.url))
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
}

/** The Markdown section of one release: `## <head version>`, then one list per kind of change that has any. */
export function renderChangelog(base: OpenApiDocument, head: OpenApiDocument, options: { date?: string; sdk?: string[] } = {}): string {
  const diff = diffDocuments(base, head)
  const from = base.info?.version ?? 'unknown'
  const to = head.info?.version ?? 'unknown'
  const out = [`## ${to}${options.date ? ` (${options.date})` : ''}`, '']
  const sdk = options.sdk ?? []
  const sdkSection = sdk.length ? ['', "### SDK: the package's own behaviour", '', ...sdk] : []
  const total = COUNTS.reduce((sum, { kind }) => sum + diff[kind].length, 0)
  if (total === 0) {
    out.push(
      JSON.stringify(base) === JSON.stringify(head)
        ? `No change since ${from}.`
        : `No change to operations, parameters, bodies or responses since ${from} (documentation only).`,
    )
    return `${[...out, ...sdkSection].join('\n')}\n`
  }
  const constraints = diff.breaking.filter(constraintOnly).length
  const counts = COUNTS.filter(({ kind }) => diff[kind].length > 0).map(
    ({ kind, one, many }) =>
      `${diff[kind].length} ${diff[kind].length === 1 ? one : many}${kind === 'breaking' && constraints ? ` (${constraints} of them constraints only)` : ''}`,
  )
  const first = Object.keys(base.paths ?? {}).length === 0
  out.push(first ? `The first release: ${counts.join(', ')}.` : `Changes to the contract since ${from}: ${counts.join(', ')}.`)
  const all = [...diff.breaking, ...diff.deprecated, ...diff.added, ...diff.changed]
  for (const { title, lead, pick } of SECTIONS) {
    const picked = all.filter(pick)
    if (picked.length === 0) continue
    out.push('', `### ${title}`, '')
    if (lead) out.push(lead, '')
    out.push(...lines(picked))
  }
  return `${[...out, ...sdkSection].join('\n')}\n`
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
    const sdk = sdkNotes(head.info?.version ?? '')
    out(renderChangelog(base, head, { sdk, ...(date === undefined ? {} : { date }) }).trimEnd())
    return 0
  } catch (error) {
    err(`openapi-changelog: ${error instanceof Error ? error.message : String(error)}`)
    return 2
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = runChangelog(process.argv.slice(2), console.log, console.error)
}
