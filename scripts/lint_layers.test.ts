/**
 * The layer rules of eslint.config.js (docs/architecture.md), tried on wrong-way imports from nested files: if a
 * rule stops matching (a pattern that only sees one folder up, a resolver that no longer finds .ts files, a zone
 * that no longer covers a folder), these fail. The allowed imports are checked too, so the rules cannot pass by
 * rejecting everything. Files are linted from text under paths inside src/, through ESLint's Node API.
 */
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The rule ids and messages ESLint reports for `code` saved at `filePath` (relative to the repository). */
async function lint(filePath: string, code: string): Promise<{ ruleId: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map(({ ruleId, message }) => ({ ruleId, message }));
}

const importing = (spec: string, name = 'x') => `import { ${name} } from '${spec}';\nexport const y = ${name};\n`;

describe('layer rules reject wrong-way imports at any depth', () => {
  const wrongWay: [string, string, string, RegExp][] = [
    // importing file, import, rule, message
    ['src/kernels/roi_pool/x.ts', importing('../../model/detector', 'FastRcnnDetector'), 'import-x/no-restricted-paths', /src\/kernels may import only/],
    ['src/kernels/roi_pool/testing/x.ts', importing('../../../training/sgd', 'MomentumSgd'), 'import-x/no-restricted-paths', /src\/kernels may import only/],
    ['src/geometry/x.ts', importing('../evaluation/voc_ap', 'areaAp'), 'import-x/no-restricted-paths', /src\/geometry may import only itself/],
    ['src/data/testing/x.ts', importing('../../model/defaults', 'DEFAULT_DETECT'), 'import-x/no-restricted-paths', /src\/data may import only/],
    ['src/model/x.ts', importing('../training/sgd', 'MomentumSgd'), 'import-x/no-restricted-paths', /src\/model may import only/],
    ['src/training/x.ts', importing('../api/errors', 'DetectorError'), 'import-x/no-restricted-paths', /src\/training may import only/],
    ['src/api/x.ts', importing('../ui/dom', 'h'), 'import-x/no-restricted-paths', /src\/api may import only/],
    ['src/render/x.ts', importing('../model/detector', 'FastRcnnDetector'), 'import-x/no-restricted-paths', /src\/render may import only/],
    ['src/pipeline/x.ts', importing('../api/model_registry', 'acquireModel'), 'import-x/no-restricted-paths', /src\/pipeline may import only/],
    ['src/widget/x.ts', importing('../ui/canvas/stage', 'CanvasStage'), 'import-x/no-restricted-paths', /src\/widget may import only/],
    ['src/widget/x.ts', importing('../training/sgd', 'MomentumSgd'), 'import-x/no-restricted-paths', /src\/widget may import only/],
    ['src/ui/detect/x.ts', importing('../../widget/define', 'TAG_NAME'), 'import-x/no-restricted-paths', /src\/ui may import only/],
    ['src/ui/detect/x.ts', importing('../../../e2e/page_objects', 'DetectPanel'), 'import-x/no-restricted-paths', /never imports e2e/],
    ['src/model/testing/x.ts', importing('../../../scripts/lib/chromium', 'CHROMIUM_ARGS'), 'import-x/no-restricted-paths', /never imports e2e\/ or scripts\//],
    ['src/geometry/x.ts', importing('@tensorflow/tfjs', 'tensor'), 'no-restricted-imports', /no tfjs/],
    ['src/proposals/deep/x.ts', importing('@tensorflow/tfjs-core', 'tensor'), 'no-restricted-imports', /no tfjs/],
    ['src/render/x.ts', importing('@tensorflow/tfjs', 'tensor'), 'no-restricted-imports', /no tfjs/],
  ];
  for (const [filePath, code, rule, message] of wrongWay) {
    it(`${filePath}: ${code.split('\n')[0]}`, async () => {
      const messages = await lint(filePath, code);
      expect(messages).toContainEqual({ ruleId: rule, message: expect.stringMatching(message) });
    });
  }
});

describe('layer rules let the allowed directions through', () => {
  const allowed: [string, string][] = [
    ['src/ui/detect/deep/x.ts', importing('../../../model/detector', 'FastRcnnDetector')],
    ['src/training/x.ts', importing('../kernels/roi_pool/roi_pool', 'roiPool')],
    ['src/training/x.ts', importing('../pipeline/proposal_stage', 'proposalsForImage')],
    ['src/render/x.ts', importing('../model/postprocess', 'reselect')],
    ['src/model/x.ts', importing('../proposals/rpn/settings_json', 'parseRpnSettings')],
    ['src/widget/x.ts', importing('../render/scene', 'buildScene')],
    ['src/render/x.ts', "import type { DetectionResult } from '../model/detection_types';\nexport type Y = DetectionResult;\n"],
    ['src/geometry/x.ts', importing('./box', 'boxArea')],
  ];
  for (const [filePath, code] of allowed) {
    it(`${filePath}: ${code.split('\n')[0]}`, async () => {
      expect(await lint(filePath, code)).toEqual([]);
    });
  }
});

describe('import cycles', () => {
  it('are reported (box.ts importing nms.ts, which imports box.ts)', async () => {
    const messages = await lint('src/geometry/box.ts', importing('./nms', 'nms'));
    expect(messages).toContainEqual({ ruleId: 'import-x/no-cycle', message: expect.stringMatching(/cycle/i) });
  });
});
