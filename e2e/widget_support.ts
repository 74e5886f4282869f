/**
 * Helpers of the widget specs: which model to use (the trained default from public/models when it exists, else a
 * detector with untrained heads built in the browser from the model engineer's code and served by a route), the
 * events the widgets dispatch (recorded from page start by a capturing listener), and computed-style snapshots.
 */
import type { Browser, Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as DetectorModule from '../src/model/detector';
import type * as DefaultsModule from '../src/model/defaults';
import type * as WeightsIoModule from '../src/model/weights_io';
import { REPO_ROOT } from './page_objects';

export const TRAINED_MODEL = existsSync(join(REPO_ROOT, 'public/models/bccd/model.json'));
export const UNTRAINED_URL = '/e2e-models/untrained/model.json';
export const UNTRAINED_CLASSES = ['Platelets', 'RBC', 'WBC'];

export interface ModelFilesWire {
  readonly modelJson: string;
  readonly weightsBase64: string;
}

/** A saved detector with untrained heads (seeded), built on the cpu backend of the test harness. */
export async function buildUntrainedModel(browser: Browser, classNames: readonly string[] = UNTRAINED_CLASSES): Promise<ModelFilesWire> {
  const page = await browser.newPage();
  try {
    await page.goto('/e2e/harness/index.html?backend=cpu');
    return await page.evaluate(async (classNames) => {
      const { ready, load } = window.harness;
      await ready;
      const { FastRcnnDetector } = (await load('/src/model/detector.ts')) as typeof DetectorModule;
      const { makeDetectorConfig } = (await load('/src/model/defaults.ts')) as typeof DefaultsModule;
      const { detectorArtifacts } = (await load('/src/model/weights_io.ts')) as typeof WeightsIoModule;
      const detector = await FastRcnnDetector.create(makeDetectorConfig(classNames), { seed: 3 });
      const artifacts = await detectorArtifacts(detector);
      detector.dispose();
      const modelJson = JSON.stringify({ format: artifacts.format, modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] });
      const bytes = new Uint8Array(artifacts.weightData as ArrayBuffer);
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { modelJson, weightsBase64: btoa(text) };
    }, [...classNames]);
  } finally {
    await page.close();
  }
}

/** Serves the untrained model at UNTRAINED_URL (and its weights.bin beside it) to this page. */
export async function serveUntrainedModel(page: Page, files: ModelFilesWire): Promise<void> {
  await page.route(`**${UNTRAINED_URL}`, (route) => route.fulfill({ body: files.modelJson, contentType: 'application/json' }));
  await page.route(`**${UNTRAINED_URL.replace('model.json', 'weights.bin')}`, (route) =>
    route.fulfill({ body: Buffer.from(files.weightsBase64, 'base64'), contentType: 'application/octet-stream' }),
  );
}

export interface RecordedEvent {
  readonly type: string;
  readonly id: string;
  readonly detail: unknown;
}

/** Records every detections / progress / error event of every widget from page start (capture phase on window). */
export async function recordWidgetEvents(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const events: { type: string; id: string; detail: unknown }[] = [];
    Object.assign(window, { widgetEvents: events });
    for (const type of ['detections', 'progress', 'error']) {
      window.addEventListener(type, (event) => {
        const target = event.target as Element | null;
        if (target?.localName !== 'frcnn-detector' || !(event instanceof CustomEvent)) return;
        const detail = type === 'error' ? { code: event.detail.code, message: event.detail.message } : event.detail;
        events.push({ type, id: target.id, detail: type === 'detections' ? null : detail });
      }, true);
    }
  });
}

export function widgetEvents(page: Page): Promise<RecordedEvent[]> {
  return page.evaluate(() => (window as unknown as { widgetEvents: RecordedEvent[] }).widgetEvents);
}

/** Computed styles that would show a leak: inherited text properties, colours, box and display. */
export const STYLE_PROPERTIES = [
  'color', 'background-color', 'font-family', 'font-size', 'font-weight', 'line-height', 'letter-spacing',
  'text-transform', 'display', 'visibility', 'margin-top', 'padding-top', 'border-top-width', 'border-top-style',
  'border-top-color', 'box-sizing', 'opacity',
] as const;

/** Computed styles of the host page's own elements (all but the widgets, and the log entries the page adds). */
export function hostStyles(page: Page): Promise<Record<string, Record<string, string>>> {
  return page.evaluate((properties) => {
    const out: Record<string, Record<string, string>> = {};
    // not the widgets, and not the event log the page itself fills in
    const elements = [...document.querySelectorAll('html, body, body *')].filter(
      (e) => e.localName !== 'frcnn-detector' && e.localName !== 'script' && e.closest('#log > *') === null,
    );
    elements.forEach((element, i) => {
      const style = getComputedStyle(element);
      out[`${i}:${element.localName}${element.id ? `#${element.id}` : ''}`] = Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)]));
    });
    out['document'] = { styleSheets: String(document.styleSheets.length), adopted: String(document.adoptedStyleSheets.length) };
    return out;
  }, [...STYLE_PROPERTIES]);
}

/** Computed styles of the elements inside one widget's shadow root. */
export function shadowStyles(page: Page, id: string): Promise<Record<string, Record<string, string>>> {
  return page.evaluate(
    ({ id, properties }) => {
      const root = document.getElementById(id)?.shadowRoot;
      if (!root) throw new Error(`#${id} has no shadow root`);
      const out: Record<string, Record<string, string>> = {};
      root.querySelectorAll('*').forEach((element, i) => {
        if (element.localName === 'style') return;
        const style = getComputedStyle(element);
        out[`${i}:${element.localName}.${element.className}`] = Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)]));
      });
      return out;
    },
    { id, properties: [...STYLE_PROPERTIES] },
  );
}

/** A stylesheet that would wreck any element it reached. */
export const HOSTILE_CSS = `
  * { color: #ff0000 !important; font-family: Impact, fantasy !important; font-size: 31px !important; line-height: 3 !important;
      letter-spacing: 4px !important; text-transform: uppercase !important; opacity: 0.5 !important; }
  canvas, p, div, .frame, .status, [part] { display: none !important; border: 7px solid lime !important; background: yellow !important; }
  frcnn-detector * { visibility: hidden !important; }
`;
