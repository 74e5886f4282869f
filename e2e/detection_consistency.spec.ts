/**
 * One detection pipeline, one drawing (issue 16): for the same model, image and thresholds, the page (what the
 * Detect tab draws), the widget (its `detections` event and what it draws) and the library's detect() give the same
 * boxes and scores, also after the thresholds move (the page's sliders and the widget's attributes redraw through
 * the model's post-processing, box voting included, without the network). `npm run eval`'s worker path
 * (training/evaluate_head.ts) scores the same detections on the same proposals, and the trainer's proposal stage
 * gives detect()'s proposals. The shipped BCCD model (box voting at IoU 0.5) on a test-split sample, on wasm.
 */
import type * as Api from '../src/api/create_detector';
import type * as Client from '../src/training/client';
import type * as JobBuilder from '../src/training/job_builder';
import type { FastRcnnDetectorElement } from '../src/widget/detector_element';
import type { WidgetView } from '../src/widget/widget_view';
import { expect, test, type DetectPanel, type TestApi } from './page_objects';
import type { Page } from '@playwright/test';

const SAMPLE = 'BloodImage_00007.jpg';
const SAMPLE_URL = `/samples/${SAMPLE}`;
/** The WBC of BloodImage_00007.xml, continuous pixels. */
const WBC_BOX = [192, 91, 387, 285];

interface Found {
  readonly className: string;
  readonly score: number;
  readonly box: readonly number[];
}

interface Thresholds {
  readonly score: number;
  readonly iou: number;
}

/** The same detections in the same order: classes equal, scores and box corners within the tolerances. */
function expectSame(actual: readonly Found[], expected: readonly Found[], tolerance = { score: 1e-6, box: 1e-3 }): void {
  expect(actual.map((d) => d.className)).toEqual(expected.map((d) => d.className));
  actual.forEach((d, i) => {
    expect(Math.abs(d.score - expected[i].score), `score of detection ${i}`).toBeLessThanOrEqual(tolerance.score);
    d.box.forEach((v, k) => expect(Math.abs(v - expected[i].box[k]), `corner ${k} of detection ${i}`).toBeLessThanOrEqual(tolerance.box));
  });
}

/** What the Detect tab draws now (window.frcnnTestApi.parts.detections, installed by src/ui/app.ts). */
function pageDetections(page: Page): Promise<Found[]> {
  return page.evaluate(() => (window.frcnnTestApi!.parts.detections as () => Found[])());
}

/**
 * The library's detect() on the sample, run in the page itself (`worker: false`, its own wasm backend and copy of the
 * weights), while the app and the widget detect in the detection worker: the two threads' paths must agree.
 */
function libraryDetections(page: Page, { score, iou }: Thresholds): Promise<Found[]> {
  return page.evaluate(async ({ url, score, iou }) => {
    const path = '/src/api/create_detector.ts';
    const { createDetector } = (await import(/* @vite-ignore */ path)) as typeof Api;
    const detector = await createDetector({ backend: 'wasm', worker: false });
    try {
      const { objects } = await detector.detect(url, { scoreThreshold: score, nmsIouThreshold: iou });
      return objects.map((o) => ({ className: o.label, score: o.score, box: [o.box.xmin, o.box.ymin, o.box.xmax, o.box.ymax] }));
    } finally {
      detector.dispose();
    }
  }, { url: SAMPLE_URL, score, iou });
}

/** Adds a <frcnn-detector> for the sample at these thresholds; resolves with its `detections` event's objects. */
function widgetDetections(page: Page, { score, iou }: Thresholds): Promise<Found[]> {
  return page.evaluate(async ({ url, score, iou }) => {
    const path = '/src/widget/define.ts';
    await import(/* @vite-ignore */ path);
    const widget = document.createElement('frcnn-detector');
    widget.id = 'consistency';
    widget.setAttribute('score-threshold', String(score));
    widget.setAttribute('iou-threshold', String(iou));
    const detected = new Promise<Found[]>((resolve, reject) => {
      widget.addEventListener('detections', (e) => resolve(e.detail.objects.map((o) => ({ className: o.label, score: o.score, box: [o.box.xmin, o.box.ymin, o.box.xmax, o.box.ymax] }))));
      widget.addEventListener('error', (e) => reject(new Error(e.detail.message)));
    });
    widget.setAttribute('src', url);
    document.body.append(widget);
    return detected;
  }, { url: SAMPLE_URL, score, iou });
}

/** Moves the widget's thresholds (a redraw, no new run) and reads what it draws. */
function widgetRedrawn(page: Page, { score, iou }: Thresholds): Promise<Found[]> {
  return page.evaluate(async ({ score, iou }) => {
    const widget = document.getElementById('consistency') as FastRcnnDetectorElement;
    widget.scoreThreshold = score;
    widget.iouThreshold = iou;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const view = (widget as unknown as { view: WidgetView }).view;
    return view.shown().map(({ className, score, box }) => ({ className, score, box: [...box] }));
  }, { score, iou });
}

async function openSample(detectPanel: DetectPanel, api: TestApi): Promise<void> {
  await detectPanel.sample(SAMPLE).click();
  await expect.poll(async () => (await api.detect()).run, { timeout: 90_000 }).toBe('done');
}

test.describe('the page, the widget and detect() on the same model, image and thresholds', () => {
  test('give the same boxes and scores, before and after the thresholds move', async ({ page, detectPanel, api }) => {
    test.setTimeout(180_000);
    await page.routeWebSocket(/.*/, () => {}); // no HMR reload while other files change
    await page.goto('/?backend=wasm');
    await api.ready();
    await expect.poll(async () => (await api.models()).state, { timeout: 60_000 }).toBe('ready');
    expect((await api.models()).active).toBe('bccd');
    await openSample(detectPanel, api);

    const first: Thresholds = { score: 0.5, iou: 0.3 }; // the page's defaults
    const reference = await libraryDetections(page, first);
    await test.step(`at score > ${first.score}, IoU ${first.iou}`, async () => {
      expect(reference.length).toBeGreaterThan(5); // a blood smear: many cells
      expect(reference.filter((d) => d.className === 'WBC')).toHaveLength(1);
      expectSame(await pageDetections(page), reference);
      expectSame(await widgetDetections(page, first), reference);
      expectSame(await widgetRedrawn(page, first), reference);
    });

    const second: Thresholds = { score: 0.2, iou: 0.5 };
    await test.step(`after moving to score > ${second.score}, IoU ${second.iou} (a redraw from the candidates)`, async () => {
      const moved = await libraryDetections(page, second);
      expect(moved.length).toBeGreaterThan(reference.length);
      await detectPanel.setSlider(detectPanel.score, second.score);
      await detectPanel.setSlider(detectPanel.iou, second.iou);
      await expect.poll(async () => (await api.detect()).scoreThreshold).toBe(second.score);
      expect((await api.detect()).nmsIouThreshold).toBe(second.iou);
      expectSame(await pageDetections(page), moved);
      expectSame(await widgetRedrawn(page, second), moved);
    });
  });
});

interface EvalComparison {
  readonly detected: Found[];
  readonly evaluated: Found[];
  readonly proposals: number[];
  readonly trainerProposals: number[];
}

test.describe("npm run eval's worker path on the same model and image", () => {
  test("scores detect()'s detections on detect()'s proposals, and its proposal stage gives detect()'s proposals", async ({ page, api }) => {
    test.setTimeout(180_000);
    await page.routeWebSocket(/.*/, () => {});
    await page.goto('/?backend=wasm&model=none');
    await api.ready();
    const outcome = await page.evaluate(async ({ url, wbc }): Promise<EvalComparison> => {
      const load = (path: string) => import(/* @vite-ignore */ path);
      const { createDetector } = (await load('/src/api/create_detector.ts')) as typeof Api;
      const { TrainingClient } = (await load('/src/training/client.ts')) as typeof Client;
      const { buildEvaluationJob } = (await load('/src/training/job_builder.ts')) as typeof JobBuilder;
      const detector = await createDetector({ backend: 'wasm' });
      const out = await detector.detect(url, { scoreThreshold: 0.05 });
      detector.dispose();
      const proposals = Float32Array.from(out.proposals.flat());
      const modelJson = await (await fetch('/models/bccd/model.json')).text();
      const weights = await (await fetch('/models/bccd/weights.bin')).arrayBuffer();
      const config = (JSON.parse(modelJson) as { modelTopology: { config: Parameters<typeof buildEvaluationJob>[1]['config'] } }).modelTopology.config;
      const image = { id: 'sample', url, gtBoxes: wbc, gtClasses: [3] };
      const run = (job: ConstructorParameters<typeof TrainingClient>[0], listeners: ConstructorParameters<typeof TrainingClient>[1]) => {
        const client = new TrainingClient(job, listeners);
        return client.done.finally(() => client.terminate());
      };
      // 1. the trainer's proposals for the image (the worker's proposal pool), as `npm run eval` computes them
      let trainerProposals: Float32Array | null = null;
      const request = { runId: `consistency-${Date.now()}`, config, backend: 'wasm' as const };
      await run({ ...buildEvaluationJob([image], request), mode: 'proposals' }, { onProposals: (_id, boxes) => (trainerProposals = boxes) });
      // 2. the evaluation of the saved model on detect()'s proposals
      let evaluated: Found[] = [];
      await run({ ...buildEvaluationJob([{ ...image, proposals }], request), model: { modelJson, weights } }, {
        onEvaluation: (summary) => (evaluated = (summary.detections ?? []).map((d) => ({ className: d.className, score: d.score, box: [...d.box] }))),
      });
      const detected = out.objects.map((o) => ({ className: o.label, score: o.score, box: [o.box.xmin, o.box.ymin, o.box.xmax, o.box.ymax] }));
      return { detected, evaluated, proposals: Array.from(proposals), trainerProposals: Array.from(trainerProposals ?? []) };
    }, { url: SAMPLE_URL, wbc: WBC_BOX });

    await test.step("the trainer's proposal stage gives detect()'s proposals", () => {
      expect(outcome.proposals.length).toBeGreaterThan(4 * 500);
      expect(outcome.trainerProposals).toEqual(outcome.proposals);
    });
    await test.step('the evaluation scores the detections detect() reports (features kept in float16 there)', () => {
      const confident = (found: readonly Found[]) => found.filter((d) => d.score > 0.3);
      expect(confident(outcome.detected).length).toBeGreaterThan(5);
      expectSame(confident(outcome.evaluated), confident(outcome.detected), { score: 0.01, box: 1.5 });
    });
  });
});
