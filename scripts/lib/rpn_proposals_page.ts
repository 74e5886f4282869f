/**
 * Page side of `npm run proposals:eval -- --mode rpn` (run_proposals_in_browser.ts loads it into the harness page):
 * a saved model with an RPN, and each image through the detection pipeline itself (pipeline/detect_pipeline.ts
 * runDetection with proposalMode 'rpn'), whose network computes the proposals from its own map
 * (pipeline/rpn_proposals.ts rpnMapProposals) and times them after the backbone. The head and post-processing run
 * too, as in any detection, and are not timed; their detections come back for the mAP with the RPN's proposals. Runs in the browser only: Node imports its types.
 */
import { decodeImageBlob } from '../../src/data/image_decode';
import type { FastRcnnDetector } from '../../src/model/detector';
import { artifactsFromFiles, detectorFromArtifacts } from '../../src/model/weights_io';
import { runDetection } from '../../src/pipeline/detect_pipeline';
import { fromBase64 } from './wire_job';

export interface RpnImageProposals {
  readonly width: number;
  readonly height: number;
  /** Image to tensor, resize, backbone and reduce conv (the shared map). */
  readonly networkMs: number;
  /** The RPN alone after the backbone: its head on the backend, the read-back and the proposal layer. */
  readonly proposalMs: number;
  readonly count: number;
  /** The first `keep` proposals, best objectness first, [x1, y1, x2, y2] in original-image pixels. */
  readonly boxes: number[];
  /** The detection's result on those proposals (the model's own post-processing), in original-image pixels. */
  readonly detections: { readonly box: readonly number[]; readonly score: number; readonly classId: number }[];
}

let model: FastRcnnDetector | undefined;

/** Loads the model (replacing any loaded before) and warms it up; its test settings' top N. */
export async function loadRpnModel(modelJson: string, weightsBase64: string): Promise<number> {
  model?.dispose();
  model = undefined;
  const loaded = await detectorFromArtifacts(artifactsFromFiles({ modelJson, weights: fromBase64(weightsBase64).slice().buffer }));
  if (loaded.config.rpn === undefined) {
    loaded.dispose();
    throw new Error('the model has no RPN');
  }
  await loaded.warmUp();
  model = loaded;
  return loaded.config.rpn.testProposals.postNmsTopN;
}

/** The loaded model's RPN proposals for the image at `url`, timed by the network's own stage timer. */
export async function rpnProposalsOf(url: string, keep: number, maxProposals?: number): Promise<RpnImageProposals> {
  const detector = model;
  if (detector === undefined) throw new Error('loadRpnModel first');
  const blob = await (await fetch(url)).blob();
  const decoded = await decodeImageBlob(blob, url);
  try {
    const network = { model: () => detector, weightsGone: () => false, reload: async () => undefined };
    const result = await runDetection(decoded, network, { proposalMode: 'rpn', maxProposals });
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
