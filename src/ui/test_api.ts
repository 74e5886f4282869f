/**
 * window.frcnnTestApi: what the canvas shows, as data, for Playwright (canvas content cannot be read through the DOM).
 * Read-only views of the page's state, plus showDetectionResult() so drawing tests can use a fixture without running
 * a network. Installed in development builds and with ?e2e in the URL only.
 */
import type { DetectionResult } from '../model/detection_types';
import type { DrawnObject } from './canvas/scene';
import type { CanvasStage } from './canvas/stage';
import { imagePointToScreen } from './canvas/viewport';
import type { DetectController } from './detect/detect_controller';
import type { TabId, Tabs } from './tabs';

export interface DetectSnapshot {
  readonly image: { readonly name: string; readonly width: number; readonly height: number } | null;
  readonly run: string;
  readonly layers: Record<string, boolean>;
  readonly scoreThreshold: number;
  readonly nmsIouThreshold: number;
  readonly hoverKey: string | null;
  readonly selectedKey: string | null;
  readonly detectionKeys: readonly string[];
  readonly suppressedKeys: readonly string[];
}

export interface FrcnnTestApi {
  /** The tab showing. */
  tab(): TabId;
  /** Everything drawn on the stage now, in draw order. */
  scene(): readonly DrawnObject[];
  /** RGBA pixels of the overlay canvas in a (2r+1)² device-pixel square around an image point. */
  overlayPixels(imageX: number, imageY: number, radius?: number): [number, number, number, number][];
  /** Page (client) coordinates of an image point, for page.mouse. */
  imageToClient(imageX: number, imageY: number): { x: number; y: number };
  detect(): DetectSnapshot;
  showDetectionResult(result: DetectionResult): void;
  /** Extra parts (annotation, training, models) add themselves here. */
  readonly parts: Record<string, unknown>;
}

declare global {
  interface Window {
    frcnnTestApi?: FrcnnTestApi;
  }
}

export function shouldInstallTestApi(): boolean {
  return import.meta.env.DEV || new URLSearchParams(location.search).has('e2e');
}

export function installTestApi(stage: CanvasStage, detect: DetectController, tabs: Tabs): FrcnnTestApi {
  const api: FrcnnTestApi = {
    tab: () => tabs.current(),
    scene: () => stage.getScene(),
    overlayPixels: (x, y, radius) => stage.overlayPixels(x, y, radius),
    imageToClient: (x, y) => {
      stage.drawNow();
      const rect = stage.element.getBoundingClientRect();
      const p = imagePointToScreen(stage.viewport, { x, y });
      return { x: rect.left + p.x, y: rect.top + p.y };
    },
    detect: () => {
      const s = detect.store.get();
      const view = detect.view();
      return {
        image: s.image ? { name: s.image.name, width: s.image.width, height: s.image.height } : null,
        run: s.run,
        layers: { ...s.layers },
        scoreThreshold: s.scoreThreshold,
        nmsIouThreshold: s.nmsIouThreshold,
        hoverKey: s.hoverKey,
        selectedKey: s.selectedKey,
        detectionKeys: view?.detections.map((d) => d.key) ?? [],
        suppressedKeys: view?.suppressed.map((d) => d.key) ?? [],
      };
    },
    showDetectionResult: (result) => detect.showResult(result),
    parts: {},
  };
  window.frcnnTestApi = api;
  return api;
}
