/**
 * A detection the user can follow and stop (issue 17, item 4): on wasm a first detection of a 640 × 480 BCCD photo
 * takes several seconds, so the status line names the stage from the start and, after a second, the stage, the
 * ticking elapsed time and a Cancel button show over the image; Cancel (or Escape) stops the run: its answer never
 * shows, the status says it was cancelled, and the tab can detect again at once. Opening another image while a run
 * goes on replaces that run without a "cancelled" message. Detection runs in the library's worker, so the page stays
 * free to tick and to take the click in every stage, and the abort stops the worker's run (detect_off_main_thread).
 * The first spec holds the proposal stage for HOLD_MS (slow_detection.ts), so the run outlasts a tick of the
 * counter however fast the machine is.
 */
import type { Page } from '@playwright/test';
import { expect, test, type DetectPanel, type TestApi } from './page_objects';
import { holdDetectionWorker } from './slow_detection';

const FIRST = 'BloodImage_00007.jpg';
const HOLD_MS = 3_000;
const SECOND = 'BloodImage_00011.jpg';

/** Every text the status line showed since this call, in order. */
async function recordStatus(page: Page): Promise<void> {
  await page.evaluate(() => {
    const line = document.querySelector('[data-testid="status"]')!;
    const log: string[] = [];
    Object.assign(window, { statusLog: log });
    new MutationObserver(() => log.push(line.textContent ?? '')).observe(line, { childList: true, characterData: true, subtree: true });
  });
}

function statusLog(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as { statusLog: string[] }).statusLog]);
}

/** The app on wasm with the default model loaded, recording the status line. */
async function openReady(page: Page, api: TestApi, detectPanel: DetectPanel): Promise<void> {
  await page.routeWebSocket(/.*/, () => {}); // other engineers edit files meanwhile: no HMR reload mid-test
  await page.goto('/?backend=wasm');
  await api.ready();
  await expect(detectPanel.model).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await recordStatus(page);
}

test('a running detection shows its stage and elapsed time; Cancel and Escape stop it, and the tab stays usable', async ({ page, stage, detectPanel, api }) => {
  test.setTimeout(60_000);
  await openReady(page, api, detectPanel);
  const elapsed = page.getByTestId('detect.elapsed');
  const cancel = page.getByRole('button', { name: 'Cancel the detection' });
  const again = page.getByTestId('detect.run');

  await test.step('the stage in words, then after a second the elapsed time and Cancel', async () => {
    await detectPanel.sample(FIRST).click();
    await expect(stage.status).toHaveText(`Opened “${FIRST}” (640 × 480). Finding candidate regions…`);
    holdDetectionWorker(page, HOLD_MS);
    await expect(elapsed).toBeVisible({ timeout: 5_000 });
    await expect(elapsed).toHaveText(/^[1-9]\d* s$/);
    await expect(page.getByTestId('detect.stage')).toHaveText('Finding candidate regions…');
    await expect(cancel).toBeInViewport(); // over the image, not below the fold
    await expect(again).toBeDisabled();
    await expect(detectPanel.model).toHaveText('bccd: detecting…'); // not "ready" while it works
    const first = await elapsed.textContent();
    await expect(elapsed).not.toHaveText(first!, { timeout: 3_000 }); // it ticks
    expect((await api.detect()).run).toBe('running');
  });

  await test.step('Cancel: the status says so, the tab is usable, and the run never completes', async () => {
    await cancel.click();
    await expect(stage.status).toContainText(/^Detection cancelled after \d+ s\. “Detect again” runs it again\.$/);
    await expect(elapsed).toBeHidden();
    await expect(cancel).toBeHidden();
    await expect(again).toBeEnabled();
    await expect(detectPanel.model).toContainText('bccd: ready');
    await expect(detectPanel.summary).toHaveText('Detection cancelled; nothing was detected.');
    // uncancelled, a first run on wasm would end within a few seconds of this point: its answer must not show
    for (let waited = 0; waited < 6_000; waited += 500) {
      const snapshot = await api.detect();
      expect(snapshot.run).toBe('cancelled');
      expect(snapshot.detectionKeys).toEqual([]);
      await page.waitForTimeout(500);
    }
    expect((await statusLog(page)).filter((text) => text.startsWith('Found'))).toEqual([]);
  });

  await test.step('a new run starts at once, and Escape cancels it', async () => {
    await again.click();
    await expect(stage.status).toHaveText('Finding candidate regions…');
    holdDetectionWorker(page, HOLD_MS);
    await expect(elapsed).toBeVisible({ timeout: 5_000 });
    await expect(elapsed).toHaveText(/^[1-9]\d* s$/);
    await page.keyboard.press('Escape');
    await expect(stage.status).toContainText(/^Detection cancelled after \d+ s\./);
    expect((await api.detect()).run).toBe('cancelled');
  });
});

test('another image opened while a detection runs replaces it without a "cancelled" message, and is detected', async ({ page, stage, detectPanel, api }) => {
  test.setTimeout(60_000);
  await openReady(page, api, detectPanel);
  await detectPanel.sample(FIRST).click();
  await expect(stage.status).toContainText(/Finding candidate regions…|Running the network \(wasm\)…/);
  await detectPanel.sample(SECOND).click();
  await expect(stage.status).toContainText(/^Found \d+ objects? in \d+ ms\.$/, { timeout: 30_000 });
  const snapshot = await api.detect();
  expect(snapshot.image?.name).toBe(SECOND);
  expect(snapshot.run).toBe('done');
  const log = await statusLog(page);
  expect(log.filter((text) => text.includes('cancelled'))).toEqual([]);
  expect(log.filter((text) => text.startsWith('Found'))).toHaveLength(1);
  expect(log).toContain(`Opened “${SECOND}” (640 × 480). Running the network (wasm)…`);
  await expect(page.getByTestId('detect.running')).toBeHidden();
});
