/**
 * vite-node scripts/scale/detect_check.ts -- --model DIR --case DIR [--tolerance 1e-3]
 *
 * The round trip's last step: a model written by the PyTorch trainer (scale/train.py) loads through the page's own
 * loader (src/model/weights_io.ts, the pretrained backbone beside it) and detects, on tfjs cpu, the same objects
 * PyTorch found on the same pixels and proposals (scale/detect.py wrote them to the case directory). Exits 1 when
 * the model detects nothing or the detections differ; prints {"detections", "maxScoreDiff", "maxBoxDiff"}.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { centernetHandler } from '../../src/model/testing/node_backbone';
import { artifactsFromFiles, detectorFromArtifacts } from '../../src/model/weights_io';

const { values: a } = parseArgs({ options: { model: { type: 'string' }, case: { type: 'string' }, tolerance: { type: 'string', default: '1e-3' } } });
if (!a.model || !a.case) throw new Error('usage: detect_check.ts --model DIR --case DIR');
await tf.setBackend('cpu');
const floats = (file: string) => {
  const bytes = readFileSync(file);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};
const weights = readFileSync(join(a.model, 'weights.bin'));
const artifacts = artifactsFromFiles({ modelJson: readFileSync(join(a.model, 'model.json'), 'utf8'), weights: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) });
const detector = await detectorFromArtifacts(artifacts, { backboneSource: centernetHandler() });
const expected = JSON.parse(readFileSync(join(a.case, 'detections.json'), 'utf8')) as {
  width: number; height: number; options: { scoreThreshold: number; candidateScoreThreshold: number };
  detections: { classId: number; score: number; box: number[] }[];
};
const pixels = tf.tensor3d(floats(join(a.case, 'pixels.bin')), [expected.height, expected.width, 3]);
const result = await detector.detect(pixels, floats(join(a.case, 'proposals.bin')), expected.options);
pixels.dispose();
detector.dispose();
const tolerance = Number(a.tolerance);
const problems: string[] = [];
if (result.detections.length === 0) problems.push('the model detected nothing');
if (result.detections.length !== expected.detections.length) problems.push(`${result.detections.length} detections here, ${expected.detections.length} in PyTorch`);
let maxScoreDiff = 0;
let maxBoxDiff = 0;
result.detections.forEach((d, i) => {
  const e = expected.detections[i];
  if (!e) return;
  if (d.classId !== e.classId) problems.push(`detection ${i}: class ${d.classId} here, ${e.classId} in PyTorch`);
  maxScoreDiff = Math.max(maxScoreDiff, Math.abs(d.score - e.score));
  d.box.forEach((v, k) => (maxBoxDiff = Math.max(maxBoxDiff, Math.abs(v - e.box[k]))));
});
if (maxScoreDiff > tolerance) problems.push(`scores differ by up to ${maxScoreDiff}`);
if (maxBoxDiff > tolerance * 100) problems.push(`boxes differ by up to ${maxBoxDiff} px`);
process.stdout.write(`${JSON.stringify({ detections: result.detections.length, maxScoreDiff, maxBoxDiff })}\n`);
if (problems.length > 0) {
  process.stderr.write(`detect_check: ${problems.join('; ')}\n`);
  process.exit(1);
}
