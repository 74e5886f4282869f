/**
 * The RPN as a proposal method (issue 18): the RPN head on the shared feature map, then the proposal layer
 * (proposals/rpn/proposal_layer.ts) on the read-back logits and deltas. The head runs on the network's backend;
 * the proposal layer is plain TypeScript (decode, clip, NMS on at most a few thousand boxes).
 * Detection runs it with `settings.testProposals` (the head trains on selective search's proposals, not the RPN's).
 */
import * as tf from '@tensorflow/tfjs';
import type { Box, ImageSize, PackedBoxes } from '../geometry/box';
import type { RpnExplanation } from '../model/detection_types';
import type { FastRcnnDetector, MapProposals } from '../model/detector';
import type { RpnHead } from '../model/rpn_head';
import { anchorsForMap } from '../proposals/rpn/anchors';
import { proposalLayer, type RpnProposals } from '../proposals/rpn/proposal_layer';
import type { AnchorSettings, ProposalLayerSettings } from '../proposals/rpn/settings';
import { DetectorError } from './errors';

export interface RpnProposalRequest {
  /** The network input's size (the image resized to the detection scale). */
  readonly inputSize: ImageSize;
  /** Network-input pixels per original-image pixel (the proposal layer's minSize is in original pixels). */
  readonly imageScale: number;
  readonly anchors: AnchorSettings;
  readonly layer: ProposalLayerSettings;
}

export interface TimedRpnProposals extends RpnProposals {
  /** Objectness probabilities (sigmoid of the logits) of the proposals, best first. */
  readonly probabilities: Float32Array;
  /** The head on the backend, including the read-back. */
  readonly headMs: number;
  /** The proposal layer. */
  readonly layerMs: number;
  /** What the proposals were made from, kept for explaining them (rpnExplanation): the map's anchors and the head's outputs. */
  readonly map: { readonly height: number; readonly width: number; readonly anchors: Float32Array; readonly logits: Float32Array; readonly deltas: Float32Array };
}

/** Proposals in network-input pixels for one image's features [1, H, W, C]. */
export async function rpnProposals(head: RpnHead, features: tf.Tensor4D, request: RpnProposalRequest): Promise<TimedRpnProposals> {
  const [n, h, w] = features.shape;
  if (n !== 1) throw new Error(`rpnProposals: one image at a time, got a batch of ${n}`);
  const started = performance.now();
  const out = head.forward(features, { training: false });
  let logits: Float32Array;
  let deltas: Float32Array;
  try {
    [logits, deltas] = (await Promise.all([out.objectness.data(), out.deltas.data()])) as [Float32Array, Float32Array];
  } finally {
    tf.dispose([out.objectness, out.deltas]);
  }
  const headDone = performance.now();
  const anchors = anchorsForMap(request.anchors, h, w);
  const proposals = proposalLayer(anchors, logits, deltas, request.inputSize, request.imageScale, request.layer);
  const probabilities = Float32Array.from(proposals.scores, sigmoid);
  return { ...proposals, probabilities, headMs: headDone - started, layerMs: performance.now() - headDone, map: { height: h, width: w, anchors, logits, deltas } };
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * The RPN's side of `found` for a result's explanation, in original-image pixels (`imageScale`: network-input pixels
 * per original pixel): each proposal's objectness, anchor (size, ratio, cell) and the deltas the head gave that
 * anchor, and the best anchor's objectness in every map cell. Reads the run's own outputs; computes nothing again.
 */
export function rpnExplanation(found: TimedRpnProposals, anchors: AnchorSettings, imageScale: number): RpnExplanation {
  const { height, width, logits, deltas } = found.map;
  const perCell = anchors.ratios.length * anchors.scales.length;
  const original = (b: ArrayLike<number>, o: number): Box => [b[o] / imageScale, b[o + 1] / imageScale, b[o + 2] / imageScale, b[o + 3] / imageScale];
  const cells = new Array<number>(height * width).fill(0);
  for (let i = 0; i < logits.length; i++) {
    const cell = Math.floor(i / perCell);
    cells[cell] = Math.max(cells[cell], sigmoid(logits[i]));
  }
  const chosen = [...found.anchorIndices];
  return {
    objectness: [...found.probabilities],
    anchors: chosen.map((i) => {
      const cell = Math.floor(i / perCell);
      const a = i % perCell; // ratio-major, then scale (anchors.ts)
      const scale = anchors.scales[a % anchors.scales.length];
      return {
        box: original(found.map.anchors, 4 * i), side: anchors.baseSize * scale, ratio: anchors.ratios[Math.floor(a / anchors.scales.length)],
        row: Math.floor(cell / width), col: cell % width,
      };
    }),
    deltas: chosen.map((i) => [deltas[4 * i], deltas[4 * i + 1], deltas[4 * i + 2], deltas[4 * i + 3]] as const),
    heatmap: { rows: height, cols: width, cells, extent: [0, 0, (width * anchors.featureStride) / imageScale, (height * anchors.featureStride) / imageScale] },
  };
}

/**
 * Detection's proposals from `model`'s RPN (proposalMode 'rpn'): the hook FastRcnnDetector.detect() calls on the
 * map it pools from, with the model's test settings (top 300), at most `maxProposals` when the caller asks for
 * fewer or more. Boxes in original-image pixels. `onExplainable` gets a function that builds the same run's rpnExplanation.
 */
export function rpnMapProposals(model: FastRcnnDetector, maxProposals?: number, onExplainable?: (explain: () => RpnExplanation) => void): MapProposals {
  const { rpn } = model.config;
  if (rpn === undefined || model.rpn === undefined) {
    throw new DetectorError('image', "proposalMode 'rpn' needs a model trained with a Region Proposal Network, and this one has none: use 'fast', 'quality' or 'dense', or train with proposals 'rpn'");
  }
  if (maxProposals !== undefined && !(maxProposals >= 1)) throw new DetectorError('image', `maxProposals must be at least 1, got ${maxProposals}`);
  const layer = maxProposals === undefined ? rpn.testProposals : { ...rpn.testProposals, postNmsTopN: Math.floor(maxProposals) };
  const head = model.rpn;
  return async ({ features, inputSize, imageScale }): Promise<PackedBoxes> => {
    const found = await rpnProposals(head, features, { inputSize, imageScale, anchors: rpn.anchors, layer });
    // built when asked (after the network), so the proposals' time is the RPN's alone
    onExplainable?.(() => rpnExplanation(found, rpn.anchors, imageScale));
    return found.boxes.map((v) => v / imageScale);
  };
}
