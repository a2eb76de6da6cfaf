/**
 * What never reaches a log line: passwords in connection URLs, and the arguments of a Redis
 * command that failed (ioredis attaches them to its errors, and for AUTH they are the password).
 * Both apps' pino `err` serializers and every banner that prints a URL go through here.
 */

const CENSOR = '***'

/** `scheme://user:secret@host` anywhere in a text, up to the `@` that ends the userinfo. */
const URL_PASSWORD = /([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/g

/** A URL (or a comma-separated list of them) as it may be shown: passwords replaced, the rest kept. */
export function redactUrl(url: string): string {
  if (url.includes(',')) return url.split(',').map(redactUrl).join(',')
  try {
    const parsed = new URL(url)
    if (!parsed.password) return url
    parsed.password = CENSOR
    return parsed.toString()
  } catch {
    return url.replace(URL_PASSWORD, `$1${CENSOR}@`)
  }
}

/** A text with the password of every URL in it replaced (error messages, stacks). */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_PASSWORD, `$1${CENSOR}@`)
}

/** Error properties that carry what a command sent: ioredis' `command: {name, args}`, and `args`. */
const COMMAND_FIELDS = new Set(['command', 'args', 'options'])
/** Nested errors a serializer may have kept (causes, aggregated and previous errors). */
const NESTED_FIELDS = ['cause', 'previousErrors', 'aggregateErrors', 'errors']

/**
 * A serialized error (pino's `err` serializer output) made safe to log: no command arguments, no
 * URL passwords in the message or stack, nested errors treated alike. The command's name stays,
 * since "AUTH failed" is worth knowing.
 */
export function safeSerializedError(error: unknown, depth = 0): unknown {
  if (error === null || typeof error !== 'object' || depth > 4) return error
  if (Array.isArray(error)) return error.map((item) => safeSerializedError(item, depth + 1))
  const safe: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(error)) {
    if (COMMAND_FIELDS.has(field)) {
      const name = (value as { name?: unknown } | null)?.name
      if (field === 'command' && typeof name === 'string') safe.command = name
      continue
    }
    if (NESTED_FIELDS.includes(field)) safe[field] = safeSerializedError(value, depth + 1)
    else safe[field] = typeof value === 'string' ? redactUrlsIn(value) : value
  }
  return safe
}
