import { z } from '@hono/zod-openapi'

/**
 * Every validation message is ours, in plain English: the rule a value broke ("must be at most 100"), which the
 * validation hook puts after the field's name ("pageSize must be at most 100"). Installed as zod's global error map, so
 * zod's own texts ("Invalid input: expected string, received undefined") never reach a client; a schema's own message
 * (`must be an email address such as alice@example.com`) wins where it has one, and is written the same way.
 */
type Issue = z.core.$ZodRawIssue

const count = (n: number | bigint, one: string) => `${n} ${one}${Number(n) === 1 ? '' : 's'}`
const TYPES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'an array',
  null: 'null',
}
const FORMATS: Record<string, string> = {
  email: 'an email address such as alice@example.com',
  guid: 'a UUID such as 3b241101-e2bb-4255-8caf-4136c566a962',
  uuid: 'a UUID such as 3b241101-e2bb-4255-8caf-4136c566a962',
  datetime: 'a UTC date and time such as 2026-11-25T09:30:00.000Z',
  url: 'an absolute URL',
}

function bound(issue: Issue & { code: 'too_small' | 'too_big' }): string {
  const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum
  const least = issue.code === 'too_small'
  const [word, strict] = least ? ['at least', 'more than'] : ['at most', 'less than']
  const how = issue.inclusive === false ? strict : word
  if (issue.origin === 'string') return `must be ${how} ${count(limit, 'character')} long`
  if (issue.origin === 'array' || issue.origin === 'set') return `must have ${how} ${count(limit, 'item')}`
  return `must be ${how} ${limit}`
}

/** The rule an issue states, for any issue zod can raise. */
export function ruleOf(issue: Issue): string {
  const missing = !('input' in issue) || issue.input === undefined
  switch (issue.code) {
    case 'invalid_type':
      return missing ? 'is required' : `must be ${TYPES[issue.expected] ?? issue.expected}`
    case 'invalid_value':
      return missing ? 'is required' : `must be one of ${issue.values.map((value: unknown) => JSON.stringify(value)).join(', ')}`
    case 'too_small':
    case 'too_big':
      return bound(issue)
    case 'invalid_format':
      return `must be ${FORMATS[issue.format] ?? `in the format ${issue.format}`}`
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`
    case 'unrecognized_keys':
      return 'is not a field of this request'
    default:
      return 'is not valid here'
  }
}

z.config({ customError: ruleOf })
