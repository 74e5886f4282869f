/**
 * Conformance command: `npm run check:golden -- <file.json> [--backend cpu|webgpu|webgl]`.
 * Recognises the golden file's layout by its fields (scripts/golden/layouts.ts), runs the implementation on
 * every case, prints one line per case and ends with "N passed, N failed". Exit status: 0 when everything
 * passed, 1 on any failure (including an unreadable file or an unrecognised layout), 2 on bad arguments.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkGolden, failure, summaryLine, type CheckReport } from './golden/check';
import { GOLDEN_BACKENDS, type GoldenBackend } from './golden/types';

const USAGE = 'usage: npm run check:golden -- <file.json> [--backend cpu|webgpu|webgl]';

interface Args {
  readonly file: string;
  readonly backend: GoldenBackend;
}

function parseArgs(argv: readonly string[]): Args | string {
  const positional: string[] = [];
  let backend: string = 'cpu';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue;
    if (arg === '--backend') backend = argv[++i] ?? '';
    else if (arg.startsWith('--backend=')) backend = arg.slice('--backend='.length);
    else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else positional.push(arg);
  }
  if (positional.length !== 1) return positional.length === 0 ? 'no golden file given' : 'give exactly one golden file';
  if (!(GOLDEN_BACKENDS as readonly string[]).includes(backend)) return `unknown backend '${backend}'`;
  return { file: positional[0], backend: backend as GoldenBackend };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    console.error(`${args}\n${USAGE}`);
    return 2;
  }
  // npm runs scripts from the package root; resolve the file against where the user typed the command
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), args.file);
  let report: CheckReport;
  try {
    report = await checkGolden(JSON.parse(readFileSync(path, 'utf8')), { backend: args.backend });
  } catch (error) {
    report = failure(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const line of report.lines) console.log(line);
  console.log(summaryLine(report));
  return report.failed === 0 ? 0 : 1;
}

process.exitCode = await main();
