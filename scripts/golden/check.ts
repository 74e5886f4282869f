/**
 * The checker behind `npm run check:golden`: finds the layout of a parsed golden file, runs its cases and
 * formats the report ("ok   <case>" / "FAIL <case>: <reason>", then "N passed, N failed").
 * Kept free of I/O so the tests can run it on synthetic files.
 */
import { layouts as defaultLayouts } from './layouts';
import { isRecord } from './json_shape';
import type { CaseResult, GoldenLayout, GoldenOptions } from './types';

export interface CheckReport {
  /** One line per case, or one FAIL line explaining why nothing could run. */
  readonly lines: string[];
  readonly passed: number;
  readonly failed: number;
}

export async function checkGolden(
  json: unknown,
  options: GoldenOptions,
  layouts: readonly GoldenLayout[] = defaultLayouts,
): Promise<CheckReport> {
  const layout = layouts.find((l) => l.matches(json));
  if (layout === undefined) return failure(unrecognised(json, layouts));
  let results: CaseResult[];
  try {
    results = await layout.run(json, options);
  } catch (error) {
    return failure(`${layout.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (results.length === 0) return failure(`${layout.name}: the file has no cases, so it checks nothing`);
  const passed = results.filter((r) => r.ok).length;
  return { lines: results.map(formatCase), passed, failed: results.length - passed };
}

export function formatCase(result: CaseResult): string {
  return result.ok ? `ok   ${result.name}` : `FAIL ${result.name}${result.reason ? `: ${result.reason}` : ''}`;
}

export function summaryLine(report: Pick<CheckReport, 'passed' | 'failed'>): string {
  return `${report.passed} passed, ${report.failed} failed`;
}

/** A report of one failure that is not a case (bad file, unknown layout, layout crash). */
export function failure(message: string): CheckReport {
  return { lines: [`FAIL ${message}`], passed: 0, failed: 1 };
}

function unrecognised(json: unknown, layouts: readonly GoldenLayout[]): string {
  const found = isRecord(json) ? `top-level fields: ${Object.keys(json).join(', ') || 'none'}` : `a JSON ${Array.isArray(json) ? 'array' : typeof json}`;
  const expected = layouts.map((l) => `  ${l.name}: ${l.expects ?? '(no description)'}`).join('\n');
  return `unrecognised golden layout (${found}). Known layouts and the fields they need:\n${expected}`;
}
