/**
 * The widget's progress (issue 17, item 4): while <frcnn-detector backend="wasm"> detects objects in a 640 × 480
 * BCCD photo (quality selective search, 2,000 proposals at the model's scale: seconds on wasm), its shadow root shows the stage in words,
 * after a second the ticking elapsed time and a Cancel button (accessible name "Cancel detection"); the button and
 * el.cancel() stop the run: detect() rejects with an AbortError, a `cancel` event says in which stage and after how
 * long, no `detections` event ever comes for it, the status says "Detection cancelled", and the next detection runs.
 * The proposal stage is held for HOLD_MS (slow_detection.ts), so the run outlasts a tick of the counter however
 * fast the machine is.
 */
import { test, type Locator, type Page } from '@playwright/test';
import { expect } from './page_objects';
import type { CancelEventDetail } from '../src/widget/events';
import { holdDetectionWorker } from './slow_detection';

const SAMPLE = 'samples/BloodImage_00007.jpg';
const HOLD_MS = 3_000;

/** A widget of our own on the embed page, on wasm, recording its events and detect()'s outcomes (window.__w). */
async function addWidget(page: Page): Promise<void> {
  await page.routeWebSocket(/.*/, () => {}); // other engineers edit files meanwhile: no HMR reload mid-test
  await page.goto('/embed.html');
  await page.waitForFunction(() => customElements.get('frcnn-detector') !== undefined);
  await page.evaluate(() => {
    const widget = document.createElement('frcnn-detector');
    widget.id = 'progress';
    widget.setAttribute('backend', 'wasm');
    const w = { events: [] as { type: string; detail: unknown }[], outcomes: [] as string[] };
    Object.assign(window, { __w: w });
    for (const type of ['detections', 'cancel', 'error'] as const) {
      widget.addEventListener(type, (event) => w.events.push({ type, detail: type === 'cancel' ? (event as CustomEvent).detail : null }));
    }
    document.body.prepend(widget); // at the top, in view
  });
}

/** Starts widget.detect(SAMPLE) (2,000 proposals at scale 600 unless `small`); its outcome lands in __w.outcomes. */
function startDetect(page: Page, small = false): Promise<void> {
  return page.evaluate(({ sample, small }) => {
    const widget = document.getElementById('progress') as HTMLElementTagNameMap['frcnn-detector'];
    if (small) {
      widget.maxProposals = 50;
      widget.inputScale = 160;
      widget.proposalMode = 'fast';
    } else {
      // quality selective search: a proposal stage of a second or more, long enough to be seen and then held
      // (fast mode finishes in about 0.2 s on a quiet machine, between two polls of the status)
      widget.proposalMode = 'quality';
    }
    const w = (window as unknown as { __w: { outcomes: string[] } }).__w;
    void widget.detect(sample).then(
      (output) => w.outcomes.push(`resolved ${output.backend}`),
      (error: unknown) => w.outcomes.push(error instanceof DOMException ? error.name : String(error)),
    );
  }, { sample: SAMPLE, small });
}

/** Waits for the proposal stage's status, polling often: the stage may last well under Playwright's 1 s poll. */
async function seeProposalStage(status: Locator, timeout: number): Promise<void> {
  await expect.poll(() => status.textContent(), { intervals: [25], timeout }).toMatch(/^Finding candidate regions…( \d+%)?$/);
}

function recorded(page: Page): Promise<{ events: { type: string; detail: unknown }[]; outcomes: string[] }> {
  return page.evaluate(() => (window as unknown as { __w: { events: { type: string; detail: unknown }[]; outcomes: string[] } }).__w);
}

test('the widget shows the stage and the elapsed time while it detects; Cancel and cancel() stop the run', async ({ page }) => {
  test.setTimeout(90_000);
  await addWidget(page);
  const widget = page.locator('#progress');
  const status = widget.locator('p[part=status]');
  const elapsed = widget.locator('[part=elapsed]');
  const cancel = widget.getByRole('button', { name: 'Cancel detection' });

  await test.step('the stage in words, then the ticking elapsed time and Cancel', async () => {
    await startDetect(page);
    await seeProposalStage(status, 30_000); // after the model load
    holdDetectionWorker(page, HOLD_MS);
    await expect(elapsed).toBeVisible({ timeout: 5_000 });
    await expect(elapsed).toHaveText(/^[1-9]\d* s$/);
    await expect(elapsed).toHaveAttribute('role', 'timer');
    await expect(cancel).toBeInViewport();
    const shown = await elapsed.textContent();
    await expect(elapsed).not.toHaveText(shown!, { timeout: 3_000 }); // it ticks
    await expect(status).toHaveText(/^Finding candidate regions…( \d+%)?$/);
  });

  await test.step('Cancel: AbortError, a cancel event, the status says so', async () => {
    await cancel.click();
    await expect(status).toHaveText(/^Detection cancelled after \d+ s\.$/);
    await expect(status).toHaveAttribute('data-state', 'cancelled');
    await expect(elapsed).toBeHidden();
    await expect(cancel).toBeHidden();
    await expect.poll(async () => (await recorded(page)).outcomes).toEqual(['AbortError']);
    const { events } = await recorded(page);
    expect(events.map((e) => e.type)).toEqual(['cancel']);
    const detail = events[0].detail as CancelEventDetail;
    expect(detail.stage).toBe('proposals');
    expect(detail.elapsedMs).toBeGreaterThan(1000);
  });

  await test.step('the cancelled run never completes', async () => {
    // uncancelled, the run would end within a few seconds of the cancel: no `detections` may come
    for (let waited = 0; waited < 5_000; waited += 500) {
      expect((await recorded(page)).events.map((e) => e.type)).toEqual(['cancel']);
      await expect(status).toHaveText(/^Detection cancelled after \d+ s\.$/);
      await page.waitForTimeout(500);
    }
  });

  await test.step('el.cancel() stops a new run too; cancel() with nothing running returns false', async () => {
    await startDetect(page);
    await seeProposalStage(status, 10_000);
    holdDetectionWorker(page, HOLD_MS);
    await expect(elapsed).toBeVisible({ timeout: 5_000 });
    expect(await page.evaluate(() => (document.getElementById('progress') as HTMLElementTagNameMap['frcnn-detector']).cancel())).toBe(true);
    await expect(status).toHaveText(/^Detection cancelled after \d+ s\.$/);
    await expect.poll(async () => (await recorded(page)).outcomes).toEqual(['AbortError', 'AbortError']);
    expect(await page.evaluate(() => (document.getElementById('progress') as HTMLElementTagNameMap['frcnn-detector']).cancel())).toBe(false);
  });

  await test.step('the next detection runs to the end', async () => {
    await startDetect(page, true);
    await expect.poll(async () => (await recorded(page)).outcomes, { timeout: 30_000 }).toEqual(['AbortError', 'AbortError', 'resolved wasm']);
    expect((await recorded(page)).events.map((e) => e.type)).toEqual(['cancel', 'cancel', 'detections']);
    await expect(status).toHaveText(/^(No objects found|\d+ objects?: .+)$/);
    await expect(elapsed).toBeHidden();
  });
});
