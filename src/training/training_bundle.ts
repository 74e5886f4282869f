/**
 * A training job as files, for the PyTorch trainer (scale/, issue 20): the format's one definition, which
 * `npm run export:bundle` writes and scale/frcnn_scale/bundle.py reads.
 *   bundle.json    classes, TrainConfig, head, backbone config, post-processing, and per split each image's file,
 *                  size and slice [offset, count] of proposals.bin
 *   dataset.json   the images' boxes as COCO (data/export_coco.ts: category id = our class id, difficult = iscrowd)
 *   proposals.bin  every image's proposals, float32 x1 y1 x2 y2, in split order
 * The images themselves go beside them under `images/`, named as in the dataset; the backbone under `backbone/`.
 * Pure: no tfjs, no file system.
 */
import { exportCocoJson } from '../data/export_coco';
import type { DetectionRecord } from '../data/record';
import { DEFAULT_BACKBONE, DEFAULT_DETECT } from '../model/defaults';
import type { TrainJob } from './protocol';

export const BUNDLE_FORMAT = 'frcnn-web-training-bundle';
export const BUNDLE_VERSION = 1;
/** Where the bundle keeps the pretrained graph, relative to bundle.json. */
export const BUNDLE_BACKBONE = 'backbone/centernet.json';

export interface BundleImage {
  /** The dataset's image file name (the COCO file_name, and the path under images/). */
  readonly file: string;
  readonly proposals: Float32Array;
}

export type BundleJob = Pick<TrainJob, 'classNames' | 'config' | 'head' | 'detect' | 'svdRanks' | 'validateEvery' | 'retrainOnAll' |
  'proposalMode' | 'proposalMaxSide' | 'maxProposals'>;

export interface BundleFiles {
  readonly bundleJson: string;
  readonly datasetJson: string;
  readonly proposals: Float32Array;
  /** Every image file the bundle names, once each. */
  readonly imageFiles: string[];
}

export function trainingBundle(
  job: BundleJob,
  splits: { readonly train: readonly BundleImage[]; readonly validation: readonly BundleImage[]; readonly test: readonly BundleImage[] },
  records: readonly DetectionRecord[],
): BundleFiles {
  const byFile = new Map(records.map((r) => [r.imageFile, r]));
  const chunks: Float32Array[] = [];
  let offset = 0;
  const entry = (image: BundleImage) => {
    const record = byFile.get(image.file);
    if (!record) throw new Error(`training bundle: no dataset record for ${image.file}`);
    if (image.proposals.length % 4 !== 0) throw new Error(`training bundle: ${image.file} has ${image.proposals.length} proposal numbers, not a multiple of 4`);
    const count = image.proposals.length / 4;
    chunks.push(image.proposals);
    const at = [offset, count];
    offset += count;
    return { file: image.file, width: record.width, height: record.height, proposals: at };
  };
  const written = { train: splits.train.map(entry), validation: splits.validation.map(entry), test: splits.test.map(entry) };
  const proposals = new Float32Array(offset * 4);
  let at = 0;
  for (const chunk of chunks) {
    proposals.set(chunk, at);
    at += chunk.length;
  }
  const imageFiles = [...new Set([...written.train, ...written.validation, ...written.test].map((s) => s.file))];
  const trainable = job.config.trainable;
  const bundle = {
    format: BUNDLE_FORMAT, version: BUNDLE_VERSION, classNames: job.classNames,
    config: job.config, head: job.head, detect: { ...DEFAULT_DETECT, ...job.detect }, svdRanks: job.svdRanks,
    validateEvery: job.validateEvery ?? 0, retrainOnAll: job.retrainOnAll ?? false,
    backbone: { ...DEFAULT_BACKBONE, modelUrl: BUNDLE_BACKBONE, trainableFrom: trainable.kind === 'conv' ? trainable.firstLayer : null },
    proposals: { file: 'proposals.bin', mode: job.proposalMode, maxSide: job.proposalMaxSide, maxProposals: job.maxProposals },
    dataset: 'dataset.json', images: 'images', splits: written,
  };
  const datasetJson = exportCocoJson({ classNames: job.classNames, records: imageFiles.map((f) => byFile.get(f)!) });
  return { bundleJson: JSON.stringify(bundle, null, 1), datasetJson, proposals, imageFiles };
}
