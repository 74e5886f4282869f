import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProposalsEvalArgs, readPipelineModel } from './proposals_eval_args';

function modelDir(config: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'proposals-eval-'));
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: { format: 'frcnn-web-detector', version: 1, config } }));
  writeFileSync(join(dir, 'weights.bin'), Buffer.from([1, 2, 3, 4]));
  return dir;
}

describe('proposals:eval flags', () => {
  it('takes --mode rpn with a model and a top N', () => {
    const args = parseProposalsEvalArgs(['--', '--dataset', 'd', '--mode', 'rpn', '--model', 'm', '--max-proposals', '500', '--json']);
    expect(args).toMatchObject({ dataset: 'd', mode: 'rpn', model: 'm', maxProposals: 500, json: true, maxImages: Infinity });
  });

  it('keeps selective search as before', () => {
    expect(parseProposalsEvalArgs(['--dataset', 'd', '--split', 'test'])).toMatchObject({ mode: 'fast', split: 'test', model: undefined });
  });

  it('refuses rpn without a model, a model without rpn, and unknown modes', () => {
    expect(() => parseProposalsEvalArgs(['--dataset', 'd', '--mode', 'rpn'])).toThrow('--mode rpn needs --model');
    expect(() => parseProposalsEvalArgs(['--dataset', 'd', '--mode', 'dense', '--model', 'm'])).toThrow('--model goes with --mode rpn, fast or quality');
    expect(() => parseProposalsEvalArgs(['--dataset', 'd', '--max-proposals', '300'])).toThrow('--max-proposals goes with --model');
    expect(parseProposalsEvalArgs(['--dataset', 'd', '--model', 'm'])).toMatchObject({ mode: 'fast', model: 'm' });
    expect(() => parseProposalsEvalArgs(['--dataset', 'd', '--mode', 'learned'])).toThrow('fast, quality, dense or rpn, got learned');
    expect(() => parseProposalsEvalArgs(['--dataset', 'd', '--mode', 'rpn', '--model', 'm', '--max-proposals', '0'])).toThrow('--max-proposals');
  });
});

describe('readRpnModel', () => {
  it('names the folder and the fix when the model has no RPN', () => {
    const dir = modelDir({ classNames: ['a'] });
    expect(readPipelineModel(dir, 'fast').proposalMode).toBe('fast');
    expect(() => readPipelineModel(dir, 'rpn')).toThrow(`--model ${dir} has no Region Proposal Network: train one on it with \`npm run train -- --model ${dir} --rpn-only`);
  });

  it('says which files are missing', () => {
    expect(() => readPipelineModel('/nonexistent/model', 'rpn')).toThrow('--model /nonexistent/model: cannot read model.json and weights.bin');
  });

  it('reads a model with an rpn section, weights as base64', () => {
    const model = readPipelineModel(modelDir({ classNames: ['a'], rpn: { convChannels: 8 } }), 'rpn', 300);
    expect(model.weightsBase64).toBe(Buffer.from([1, 2, 3, 4]).toString('base64'));
    expect(model.maxProposals).toBe(300);
    expect(model.classNames).toEqual(['a']);
    expect(JSON.parse(model.modelJson).modelTopology.config.rpn).toEqual({ convChannels: 8 });
  });
});
