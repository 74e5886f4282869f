/**
 * Checked command-line flags for the headless commands (train, export:bundle): one way to fail with a usage error
 * and to read a numeric flag, so every command words its flag errors alike.
 */

/** Prints `<command>: <message>` to stderr and exits with 2 (a usage error). */
export function failer(command: string): (message: string) => never {
  return (message: string): never => {
    process.stderr.write(`${command}: ${message}\n`);
    process.exit(2);
  };
}

/** Reads numeric flags from parseArgs values: undefined when not given, a usage error when not `valid`. */
export function numericFlags<Name extends string>(
  values: Partial<Record<Name, string | boolean | undefined>>,
  fail: (message: string) => never,
) {
  return (name: Name, valid: (v: number) => boolean = Number.isFinite, what = 'a number'): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (typeof raw !== 'string' || !valid(value)) fail(`--${name} must be ${what}, got '${String(raw)}'`);
    return value;
  };
}
