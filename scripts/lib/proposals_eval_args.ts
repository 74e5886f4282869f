/**
 * The flags of `npm run proposals:eval` (scripts/proposals_eval.ts), and the saved model `--mode rpn` reads: checked
 * here, in Node, so a wrong flag or a model without an RPN fails before a browser starts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineModel } from './run_proposals_in_browser';

export type EvalMode = 'fast' | 'quality' | 'dense' | 'rpn';

export interface ProposalsEvalArgs {
  readonly dataset: string;
  readonly split?: string;
  readonly mode: EvalMode;
  /** The saved model's folder (model.json + weights.bin): required by --mode rpn; with fast or quality, selective
   * search runs inside the detection pipeline with it (its detections scored too). */
  readonly model?: string;
  /** With --model: at most this many proposals (default: rpn the model's test setting, selective search 2000). */
  readonly maxProposals?: number;
  readonly maxImages: number;
  readonly workers?: number;
  readonly json: boolean;
}

export const PROPOSALS_EVAL_USAGE =
  'usage: proposals:eval -- --dataset <dir> [--split <list>] --mode fast|quality|dense [--max-images N] [--json]\n' +
  '       proposals:eval -- --dataset <dir> [--split <list>] --mode rpn|fast|quality --model <dir> [--max-proposals N] [--max-images N] [--json]';

export function parseProposalsEvalArgs(argv: readonly string[]): ProposalsEvalArgs {
  let dataset: string | undefined;
  let split: string | undefined;
  let mode = 'fast';
  let model: string | undefined;
  let maxProposals: number | undefined;
  let maxImages = Infinity;
  let workers: number | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--dataset') dataset = value();
    else if (flag === '--split') split = value();
    else if (flag === '--mode') mode = value();
    else if (flag === '--model') model = value();
    else if (flag === '--max-proposals') maxProposals = Number(value());
    else if (flag === '--max-images') maxImages = Number(value());
    else if (flag === '--workers') workers = Number(value());
    else if (flag === '--json') json = true;
    else if (flag !== '--') throw new Error(`unknown argument ${flag}\n${PROPOSALS_EVAL_USAGE}`);
  }
  if (!dataset) throw new Error(PROPOSALS_EVAL_USAGE);
  if (!['fast', 'quality', 'dense', 'rpn'].includes(mode)) throw new Error(`--mode must be fast, quality, dense or rpn, got ${mode}`);
  if (mode === 'rpn' && model === undefined) throw new Error('--mode rpn needs --model <dir>: a saved model trained with an RPN');
  if (mode === 'dense' && model !== undefined) throw new Error('--model goes with --mode rpn, fast or quality');
  if (model === undefined && maxProposals !== undefined) throw new Error('--max-proposals goes with --model');
  if (maxProposals !== undefined && !(Number.isInteger(maxProposals) && maxProposals > 0)) throw new Error('--max-proposals must be a positive whole number');
  if (!(maxImages > 0)) throw new Error('--max-images must be a positive number');
  return { dataset, split, mode: mode as EvalMode, model, maxProposals, maxImages, workers, json };
}

/** The saved model in `dir`; a clear error when it cannot be read, or has no RPN for `--mode rpn`. */
export function readPipelineModel(dir: string, proposalMode: PipelineModel['proposalMode'], maxProposals?: number): PipelineModel {
  let modelJson: string;
  let weights: Buffer;
  try {
    modelJson = readFileSync(join(dir, 'model.json'), 'utf8');
    weights = readFileSync(join(dir, 'weights.bin'));
  } catch (error) {
    throw new Error(`--model ${dir}: cannot read model.json and weights.bin (${(error as Error).message})`, { cause: error });
  }
  let config: { rpn?: unknown } | undefined;
  try {
    config = (JSON.parse(modelJson) as { modelTopology?: { config?: { rpn?: unknown } } }).modelTopology?.config;
  } catch (error) {
    throw new Error(`--model ${dir}: model.json is not JSON (${(error as Error).message})`, { cause: error });
  }
  if (config === undefined) throw new Error(`--model ${dir}: model.json is not a saved detector (no modelTopology.config)`);
  if (proposalMode === 'rpn' && config.rpn === undefined) {
    throw new Error(`--model ${dir} has no Region Proposal Network: train one on it with \`npm run train -- --model ${dir} --rpn-only --dataset <dir> --out <dir>\`, or use --mode fast`);
  }
  const classNames = (config as { classNames?: unknown }).classNames;
  if (!Array.isArray(classNames)) throw new Error(`--model ${dir}: model.json's config has no classNames`);
  return { proposalMode, modelJson, weightsBase64: weights.toString('base64'), maxProposals, classNames: classNames.map(String) };
}
