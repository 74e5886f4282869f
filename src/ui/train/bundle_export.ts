/**
 * The Train tab's "Export for PyTorch": what Start would run (the plan: images, validation carve-out, recipe and the
 * user's settings) as one training-bundle zip (src/training/training_bundle.ts) for `scale/train.py`, with the image
 * files, the proposals the page computed and the pretrained backbone it serves, so the cluster trains on exactly
 * the page's job. The same files `npm run export:bundle` writes to a folder.
 */
import { writeZip, type ZipEntry } from '../../data/zip_archive';
import { DEFAULT_BACKBONE } from '../../model/defaults';
import { buildTrainJob } from '../../training/job_builder';
import { BUNDLE_BACKBONE, trainingBundle, type BundleImage } from '../../training/training_bundle';
import { toDataset, type AnnotationSet } from '../annotate/annotation_set';
import type { PlanImage, RunPlan } from './train_plan';

export interface BundleInput {
  readonly plan: RunPlan;
  readonly set: AnnotationSet;
  readonly blobs: ReadonlyMap<string, Blob>;
  /** Every planned image's proposals (the caller computes the missing ones first). */
  readonly proposals: ReadonlyMap<string, Float32Array>;
  /** The pretrained graph's JSON (default: where the app serves it). */
  readonly backboneUrl?: string;
}

export async function trainingBundleZip(input: BundleInput): Promise<Blob> {
  const { plan, set } = input;
  const byId = new Map(set.images.map((image) => [image.id, image]));
  const planned = [...plan.train, ...plan.validation, ...plan.test];
  const toBundle = (image: PlanImage): BundleImage => {
    const proposals = input.proposals.get(image.id);
    if (!proposals) throw new Error(`no proposals for ${byId.get(image.id)?.name ?? image.id}`);
    return { file: byId.get(image.id)!.name, proposals };
  };
  const job = buildTrainJob(plan.classNames, plan, plan.recipe, { runId: 'bundle', backend: plan.settings.backend });
  const files = trainingBundle(job, { train: plan.train.map(toBundle), validation: plan.validation.map(toBundle), test: plan.test.map(toBundle) },
    toDataset(set, planned.map((image) => byId.get(image.id)!)).records);
  const encoder = new TextEncoder();
  const entries: ZipEntry[] = [
    { path: 'bundle.json', data: encoder.encode(files.bundleJson) },
    { path: 'dataset.json', data: encoder.encode(files.datasetJson) },
    { path: 'proposals.bin', data: new Uint8Array(files.proposals.buffer, files.proposals.byteOffset, files.proposals.byteLength) },
  ];
  for (const image of planned) {
    const blob = input.blobs.get(image.id);
    if (!blob) throw new Error(`the image file of ${byId.get(image.id)?.name ?? image.id} is not loaded`);
    entries.push({ path: `images/${byId.get(image.id)!.name}`, data: new Uint8Array(await blob.arrayBuffer()) });
  }
  entries.push(...(await backboneFiles(input.backboneUrl ?? DEFAULT_BACKBONE.modelUrl)));
  return new Blob([writeZip(entries) as BlobPart], { type: 'application/zip' });
}

/** The served graph JSON and its weight shards, under the bundle's backbone folder. */
async function backboneFiles(url: string): Promise<ZipEntry[]> {
  const folder = BUNDLE_BACKBONE.slice(0, BUNDLE_BACKBONE.lastIndexOf('/') + 1);
  const base = url.slice(0, url.lastIndexOf('/') + 1);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the backbone graph ${url}: HTTP ${response.status}`);
  const json = new Uint8Array(await response.arrayBuffer());
  const manifest = JSON.parse(new TextDecoder().decode(json)) as { weightsManifest: { paths: string[] }[] };
  const entries: ZipEntry[] = [{ path: BUNDLE_BACKBONE, data: json }];
  for (const path of manifest.weightsManifest.flatMap((group) => group.paths)) {
    const shard = await fetch(base + path);
    if (!shard.ok) throw new Error(`the backbone weights ${base + path}: HTTP ${shard.status}`);
    entries.push({ path: folder + path, data: new Uint8Array(await shard.arrayBuffer()) });
  }
  return entries;
}
