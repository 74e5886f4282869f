/**
 * roi_pool.json (torchvision.ops.roi_pool, forward and autograd backward): `cases[]` with `featuresShapeNCHW`,
 * `features` (NCHW), `rois` [R][5], `pooledHeight`, `pooledWidth`, `spatialScale`, `output` [R,C,PH,PW],
 * `outputGradient` and `featuresGradient` (NCHW). Output and features gradient must agree within 1e-5.
 * cpu runs here in Node; webgpu and webgl run in headless Chromium (scripts/lib/browser_session.ts), each case twice
 * (fresh, then reused GPU buffers), and fail on any WebGPU validation error.
 */
import * as tf from '@tensorflow/tfjs';
import { withHarness } from '../lib/browser_session';
import type * as GoldenCaseModule from '../../src/kernels/roi_pool/testing/golden_case';
import {
  compareRoiPoolCase,
  runRoiPoolGoldenCase,
  type CaseComparison,
  type RoiPoolGoldenCase,
} from '../../src/kernels/roi_pool/testing/golden_case';
import { hasCasesWith, isMatrix, isNumberArray, type JsonRecord } from './json_shape';
import type { CaseResult, GoldenBackend, GoldenLayout } from './types';

const FIELDS = [
  'featuresShapeNCHW',
  'features',
  'rois',
  'pooledHeight',
  'pooledWidth',
  'spatialScale',
  'output',
  'outputGradient',
  'featuresGradient',
] as const;
const TOLERANCE = 1e-5;
const RUNS_IN_BROWSER = 2;

export const roiPoolLayout: GoldenLayout = {
  name: 'roi_pool',
  expects: `cases[] with ${FIELDS.join(', ')}`,
  matches: (json) => hasCasesWith(json, FIELDS),
  async run(json, { backend }) {
    if (!hasCasesWith(json, FIELDS)) throw new Error('not a roi_pool golden file');
    const problems = json.cases.map(malformation);
    const valid = json.cases.filter((_, i) => problems[i] == null) as unknown as RoiPoolGoldenCase[];
    const comparisons = backend === 'cpu' ? await runInNode(valid) : await runInBrowser(valid, backend);
    let next = 0;
    return json.cases.map((c, i): CaseResult => {
      const name = `${caseName(c, i)} on ${backend}`;
      const problem = problems[i];
      if (problem != null) return { name, ok: false, reason: `malformed case: ${problem}` };
      const { pass, outputMaxError, gradientMaxError } = comparisons[next++];
      const errors = `max |error| output ${outputMaxError.toExponential(1)}, features gradient ${gradientMaxError.toExponential(1)}`;
      return pass ? { name: `${name}: ${errors}`, ok: true } : { name, ok: false, reason: `${errors} (tolerance ${TOLERANCE})` };
    });
  },
};

function caseName(c: JsonRecord, index: number): string {
  const shape = isNumberArray(c.featuresShapeNCHW) ? c.featuresShapeNCHW.join('x') : '?';
  const numRois = Array.isArray(c.rois) ? c.rois.length : '?';
  return `roi_pool case ${index} (features ${shape} NCHW, ${numRois} rois, ${String(c.pooledHeight)}x${String(c.pooledWidth)} bins, scale ${String(c.spatialScale)})`;
}

/** Why a case cannot run, or null when its arrays have the sizes its shape implies. */
function malformation(c: JsonRecord): string | null {
  const { featuresShapeNCHW: shape, features, rois, pooledHeight: ph, pooledWidth: pw, spatialScale } = c;
  if (!isNumberArray(shape) || shape.length !== 4) return 'featuresShapeNCHW must be [N, C, H, W]';
  if (!isMatrix(rois, 5)) return 'rois must be rows of 5 numbers';
  if (typeof ph !== 'number' || typeof pw !== 'number' || typeof spatialScale !== 'number') {
    return 'pooledHeight, pooledWidth and spatialScale must be numbers';
  }
  const featureSize = shape.reduce((a, b) => a * b, 1);
  const outputSize = rois.length * shape[1] * ph * pw;
  const sizes: [string, unknown, number][] = [
    ['features', features, featureSize],
    ['featuresGradient', c.featuresGradient, featureSize],
    ['output', c.output, outputSize],
    ['outputGradient', c.outputGradient, outputSize],
  ];
  for (const [field, value, size] of sizes) {
    if (!isNumberArray(value) || value.length !== size) return `${field} must hold ${size} numbers`;
  }
  return null;
}

async function runInNode(cases: RoiPoolGoldenCase[]): Promise<CaseComparison[]> {
  await tf.setBackend('cpu');
  const comparisons: CaseComparison[] = [];
  for (const c of cases) comparisons.push(compareRoiPoolCase(c, await runRoiPoolGoldenCase(c), TOLERANCE));
  return comparisons;
}

/** Worst of several runs per case, in the harness page. */
async function runInBrowser(cases: RoiPoolGoldenCase[], backend: Exclude<GoldenBackend, 'cpu'>): Promise<CaseComparison[]> {
  return withHarness({ backend }, async ({ page }) => {
    const { comparisons, gpuErrors } = await page.evaluate(
      async ([goldenCases, tolerance, runs]) => {
        const m = (await window.harness.load('/src/kernels/roi_pool/testing/golden_case.ts')) as unknown as typeof GoldenCaseModule;
        const worst: CaseComparison[] = [];
        for (const c of goldenCases) {
          let result: CaseComparison = { pass: true, outputMaxError: 0, gradientMaxError: 0 };
          for (let run = 0; run < runs; run += 1) {
            const r = m.compareRoiPoolCase(c, await m.runRoiPoolGoldenCase(c), tolerance);
            result = {
              pass: result.pass && r.pass,
              outputMaxError: Math.max(result.outputMaxError, r.outputMaxError),
              gradientMaxError: Math.max(result.gradientMaxError, r.gradientMaxError),
            };
          }
          worst.push(result);
        }
        return { comparisons: worst, gpuErrors: window.harness.gpuErrors };
      },
      [cases, TOLERANCE, RUNS_IN_BROWSER] as const,
    );
    if (gpuErrors.length > 0) throw new Error(`WebGPU reported errors: ${gpuErrors.join('; ')}`);
    return comparisons;
  });
}
