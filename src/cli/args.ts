// Tiny argument parsing for the CLI: positionals plus --key value / --key=value flags.
// A user error is a UsageError: main prints its one-line message on stderr and exits 2.

export class UsageError extends Error {}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string>;
}

export function parseArgs(argv: readonly string[], known: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (!known.includes(key)) throw new UsageError(`unknown option --${key} (known: ${known.map((k) => `--${k}`).join(', ')})`);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${key} needs a value`);
    flags.set(key, value);
  }
  return { positionals, flags };
}

/** A positive number flag (accepts 64e6, 1_000 is not JSON so not accepted). */
export function numberFlag(
  flags: Map<string, string>,
  key: string,
  fallback: number,
  opts: { int?: boolean; min?: number; max?: number } = {},
): number {
  const raw = flags.get(key);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  const { int = false, min = 0, max = Number.MAX_SAFE_INTEGER } = opts;
  if (!Number.isFinite(v) || (int && !Number.isInteger(v)) || v < min || v > max) {
    throw new UsageError(`--${key} must be ${int ? 'an integer' : 'a number'} in ${min}..${max}, got ${raw}`);
  }
  return v;
}

export function choiceFlag<T extends string>(flags: Map<string, string>, key: string, choices: readonly T[], fallback: T): T {
  const raw = flags.get(key);
  if (raw === undefined) return fallback;
  if (!choices.includes(raw as T)) throw new UsageError(`--${key} must be one of ${choices.join(', ')}, got ${raw}`);
  return raw as T;
}
