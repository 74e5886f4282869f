import { describe, expect, it } from 'vitest';
import { makeDetectorConfig } from '../model/defaults';
import { buildEvaluationJob, buildTrainJob, recipeFor, recipeImages, splitForValidation } from './job_builder';
import type { TrainImageSpec } from './protocol';

const spec = (id: string, classes: number[], side = 200): TrainImageSpec => ({
  id, url: `/img/${id}.jpg`,
  gtBoxes: classes.flatMap((_, i) => [10 * i, 10 * i, 10 * i + side, 10 * i + side]),
  gtClasses: classes,
});

describe('recipeImages', () => {
  it('measures boxes, and takes an image of unknown size to be as large as its boxes reach', () => {
    const [known, unknown] = recipeImages([spec('a', [1, 2]), spec('b', [1])], new Map([['a', { width: 640, height: 480 }]]));
    expect(known).toEqual({ width: 640, height: 480, boxes: [{ classIndex: 0, width: 200, height: 200 }, { classIndex: 1, width: 200, height: 200 }] });
    expect(unknown.width).toBe(200);
    expect(unknown.height).toBe(200);
  });
});

describe('splitForValidation', () => {
  const train = Array.from({ length: 20 }, (_, i) => spec(`i${i}`, [i % 4 === 0 ? 2 : 1]));

  it('keeps a given validation set as it is', () => {
    const validation = [spec('v', [1])];
    expect(splitForValidation(train, validation)).toEqual({ train, validation, carvedOut: false });
  });

  it('carves a stratified fifth out of the training images otherwise, disjoint from training', () => {
    const split = splitForValidation(train, null);
    expect(split.carvedOut).toBe(true);
    expect(split.validation).toHaveLength(4);
    expect(split.train).toHaveLength(16);
    expect(split.validation.some((s) => s.gtClasses.includes(2))).toBe(true);
    const trainIds = new Set(split.train.map((s) => s.id));
    expect(split.validation.every((s) => !trainIds.has(s.id))).toBe(true);
  });
});

describe('buildTrainJob', () => {
  const train = Array.from({ length: 20 }, (_, i) => spec(`i${i}`, [1]));
  const split = splitForValidation(train, null);
  const sizes = new Map(train.map((s) => [s.id, { width: 640, height: 480 }]));

  it('carries the recipe, the validation images and the runtime into one job', () => {
    const recipe = recipeFor({ classNames: ['cat'], images: split, sizes });
    const job = buildTrainJob(['cat'], { ...split, test: [spec('t', [1])] }, recipe, { runId: 'r', backend: 'wasm' });
    expect(job.validation).toHaveLength(4);
    expect(job.validateEvery).toBe(recipe.validateEvery);
    expect(job.validateEvery).toBeGreaterThan(0);
    expect(job.retrainOnAll).toBe(recipe.retrainOnAll);
    expect(job.config).toEqual(recipe.config);
    expect(job.head.dropoutRate).toBe(0);
    expect(job.featureBackend).toBe('wasm');
    expect(job.evaluateAtEnd).toBe(true);
    expect(job.detect).toEqual({ boxVotingIou: 0.5 });
  });

  it('never validates or retrains without validation images, and honours overrides', () => {
    const recipe = recipeFor({ classNames: ['cat'], images: { train, validation: [] }, sizes, overrides: { iterations: 50, learningRate: 0.001 } });
    const job = buildTrainJob(['cat'], { train, validation: [], test: [] }, recipe, { runId: 'r', backend: 'webgl' });
    expect(job.validateEvery).toBe(0);
    expect(job.retrainOnAll).toBe(false);
    expect(job.config.solver.iterations).toBe(50);
    expect(job.config.solver.baseLr).toBe(0.001);
    expect(job.featureBackend).toBe('webgl');
    expect(job.evaluateAtEnd).toBe(false);
  });

  it("adds an RPN only for proposals 'rpn', its anchors fitted to the training boxes at the recipe's scale", () => {
    const recipe = recipeFor({ classNames: ['cat'], images: split, sizes, overrides: { scale: 480, maxSize: 1000 } });
    const plain = buildTrainJob(['cat'], { ...split, test: [] }, recipe, { runId: 'r', backend: 'wasm' });
    expect('rpn' in plain).toBe(false);
    const job = buildTrainJob(['cat'], { ...split, test: [] }, recipe, { runId: 'r', backend: 'wasm', proposals: 'rpn', sizes });
    // every box is 200 px at 640x480, so 200 px at scale 480: one anchor size, 200 / 16 = 12.5
    expect(job.rpn?.anchors).toEqual({ baseSize: 16, ratios: [0.5, 1, 2], scales: [12.5], featureStride: 16 });
    expect(job.rpn?.convChannels).toBe(128);
    expect(job.rpn?.testProposals.postNmsTopN).toBe(300);
    expect(() => buildTrainJob(['cat'], { ...split, test: [] }, recipe, { runId: 'r', backend: 'wasm', proposals: 'rpn' })).toThrow(/needs the images' sizes/);
  });
});

describe('buildEvaluationJob', () => {
  it('tests at the model\'s own scale unless told, with its longest side in proportion', () => {
    const config = makeDetectorConfig(['cat'], { input: { scales: [800], maxSize: 1333 } });
    const own = buildEvaluationJob([spec('t', [1])], { runId: 'e', config, backend: 'wasm' });
    expect(own.mode).toBe('evaluate');
    expect(own.config.scale).toBe(800);
    expect(own.config.maxSize).toBe(1333);
    expect(own.config.useFlipped).toBe(false);
    expect(own.proposalMaxSide).toBe(500);
    expect(own.maxProposals).toBe(2000);
    const other = buildEvaluationJob([], { runId: 'e', config, backend: 'wasm', scale: 600 });
    expect(other.config.scale).toBe(600);
    expect(other.config.maxSize).toBe(1000);
  });
});
