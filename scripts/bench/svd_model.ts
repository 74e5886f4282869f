/**
 * `npx vite-node scripts/bench/svd_model.ts -- --model public/models/bccd --out DIR [--fc6 64] [--fc7 32]`
 *
 * Writes a copy of a saved detector with fc6 and/or fc7 replaced by their truncated SVD (paper §3.1,
 * FastRcnnDetector.compress; no retraining), so `npm run eval -- --model DIR --split val` can measure the
 * accuracy it costs. Runs in Node on tfjs's cpu backend; prints each layer's rank and relative Frobenius error.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { modelArtifacts, parseModelJson, weightPaths } from '../../src/model/model_json';
import { artifactsFromFiles, detectorArtifacts, detectorFromArtifacts, filesFromArtifacts } from '../../src/model/weights_io';
import { userPath } from '../lib/user_path';

const { values: a } = parseArgs({ options: { model: { type: 'string' }, out: { type: 'string' }, fc6: { type: 'string' }, fc7: { type: 'string' } } });
if (!a.model || !a.out) throw new Error('usage: svd_model.ts --model DIR --out DIR [--fc6 R] [--fc7 R]');
await tf.setBackend('cpu');
const dir = userPath(a.model);
const toArrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const artifacts = artifactsFromFiles({ modelJson: readFileSync(join(dir, 'model.json'), 'utf8'), weights: toArrayBuffer(readFileSync(join(dir, 'weights.bin'))) });
const backboneDir = new URL('../../public/backbone/', import.meta.url);
const graphUrl = new URL('centernet.json', backboneDir);
const graph = parseModelJson(readFileSync(graphUrl, 'utf8'), graphUrl.pathname, 'backbone');
const backboneSource = tf.io.fromMemory(modelArtifacts(graph, weightPaths(graph, graphUrl.pathname).map((p) => readFileSync(new URL(p, backboneDir)))));
const detector = await detectorFromArtifacts(artifacts, { backboneSource });
const rank = (v: string | undefined) => (v === undefined ? null : Number(v));
const reports = await detector.compress({ fc6: rank(a.fc6), fc7: rank(a.fc7) });
for (const r of reports) console.log(`${r.layer}: rank ${r.rank}, relative Frobenius error ${r.relativeError.toFixed(4)}`);
const files = filesFromArtifacts(await detectorArtifacts(detector));
const out = userPath(a.out);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'model.json'), files.modelJson);
writeFileSync(join(out, 'weights.bin'), new Uint8Array(files.weights));
console.log(`wrote ${out} (${(files.weights.byteLength / 1e6).toFixed(2)} MB of weights)`);
detector.dispose();
