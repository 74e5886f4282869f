/**
 * Page side of `npm run proposals:eval -- --model <dir>` (run_proposals_in_browser.ts loads it into the harness page):
 * a saved model, and each image through the detection pipeline itself (pipeline/detect_pipeline.ts runDetection):
 * with proposalMode 'rpn' its network computes the proposals from its own map (pipeline/rpn_proposals.ts
 * rpnMapProposals) and times them after the backbone; with 'fast' or 'quality' the pipeline's proposal stage runs
 * selective search first (timed by runDetection). The head and post-processing run
 * too, as in any detection, and are not timed; their detections come back for the mAP with the RPN's proposals. Runs in the browser only: Node imports its types.
 */
import { decodeImageBlob } from '../../src/data/image_decode';
import type { FastRcnnDetector } from '../../src/model/detector';
import { artifactsFromFiles, detectorFromArtifacts } from '../../src/model/weights_io';
import { runDetection } from '../../src/pipeline/detect_pipeline';
import type { ProposalMode } from '../../src/pipeline/types';
import { fromBase64 } from './wire_job';

export interface RpnImageProposals {
  readonly width: number;
  readonly height: number;
  /** Image to tensor, resize, backbone and reduce conv (the shared map). */
  readonly networkMs: number;
  /** 'rpn': the RPN alone after the backbone (its head on the backend, the read-back, the proposal layer); else selective search. */
  readonly proposalMs: number;
  readonly count: number;
  /** The first `keep` proposals, best objectness first, [x1, y1, x2, y2] in original-image pixels. */
  readonly boxes: number[];
  /** The detection's result on those proposals (the model's own post-processing), in original-image pixels. */
  readonly detections: { readonly box: readonly number[]; readonly score: number; readonly classId: number }[];
}

let model: FastRcnnDetector | undefined;

/** Loads the model (replacing any loaded before) and warms it up. */
export async function loadPipelineModel(modelJson: string, weightsBase64: string): Promise<void> {
  model?.dispose();
  model = undefined;
  const loaded = await detectorFromArtifacts(artifactsFromFiles({ modelJson, weights: fromBase64(weightsBase64).slice().buffer }));
  await loaded.warmUp();
  model = loaded;
}

/** The proposals and detections of the loaded model for the image at `url`, timed by the pipeline's own stage timers. */
export async function pipelineProposalsOf(url: string, keep: number, proposalMode: ProposalMode, maxProposals?: number): Promise<RpnImageProposals> {
  const detector = model;
  if (detector === undefined) throw new Error('loadPipelineModel first');
  const blob = await (await fetch(url)).blob();
  const decoded = await decodeImageBlob(blob, url);
  try {
    const network = { model: () => detector, weightsGone: () => false, reload: async () => undefined };
    const result = await runDetection(decoded, network, { proposalMode, maxProposals });
    const t = result.timesMs;
    return {
      width: result.imageWidth,
      height: result.imageHeight,
      networkMs: t.preprocess + t.backbone,
      proposalMs: t.proposals ?? NaN,
      count: result.proposals.length,
      boxes: result.proposals.slice(0, keep).flat(),
      detections: result.detections.map(({ box, score, classId }) => ({ box: [...box], score, classId })),
    };
  } finally {
    decoded.bitmap.close();
  }
}
