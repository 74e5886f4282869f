/** State of the Detect tab: the image, the last result, and how the user wants it drawn. */
import type { DetectionResult } from '../../model/detection_types';
import { DEFAULT_LAYERS, type LayerState } from '../../render/scene';
import type { DetectProgress } from '../detector_service';
import type { LoadedImage } from '../image_input';
import { Store } from '../state/store';

/** 'cancelled': the user stopped the run (Cancel or Escape); the result is what it was before the run. */
export type RunState = 'idle' | 'running' | 'done' | 'failed' | 'unavailable' | 'cancelled';

export interface DetectState {
  readonly image: LoadedImage | null;
  readonly result: DetectionResult | null;
  readonly run: RunState;
  readonly progress: DetectProgress | null;
  /** performance.now() when the run in flight started; null when none runs. */
  readonly runStartedAt: number | null;
  readonly layers: LayerState;
  readonly scoreThreshold: number;
  readonly nmsIouThreshold: number;
  /** What the user looks for ("Looking for", looking_for_field.ts): a class the model knows is the only one shown; '' shows all. */
  readonly lookingFor: string;
  /** Key (`classId:candidateIndex`, detection_view.ts) under the pointer or keyboard focus. */
  readonly hoverKey: string | null;
  /** Key the user clicked; stays until another click or a new result. */
  readonly selectedKey: string | null;
  /** For a model with a Region Proposal Network: detect with its proposals (default) or with selective search. */
  readonly useRpn: boolean;
}

/** The reference's test-time NMS (TEST.NMS 0.3); a score of 0.5 suits looking at boxes (0.05 is for computing mAP). */
export const DEFAULT_SCORE_THRESHOLD = 0.5;
export const DEFAULT_NMS_IOU = 0.3;

export function createDetectStore(): Store<DetectState> {
  return new Store<DetectState>({
    image: null,
    result: null,
    run: 'idle',
    progress: null,
    runStartedAt: null,
    layers: DEFAULT_LAYERS,
    scoreThreshold: DEFAULT_SCORE_THRESHOLD,
    nmsIouThreshold: DEFAULT_NMS_IOU,
    lookingFor: '',
    hoverKey: null,
    selectedKey: null,
    // selective search unless the user picks the RPN: the widget, detect() and npm run eval default to it too, and
    // on both shipped sets it detects better than their RPNs (BENCHMARKS.md, learned proposals)
    useRpn: false,
  });
}
