/**
 * For the progress specs: a detection long enough to watch, on any machine. Detection runs in the library's
 * detection worker, which waits for its proposal workers during the proposal stage; holding that worker's thread
 * busy from then on (as a slow machine would) makes the stage last at least that long. Its messages wait meanwhile:
 * no progress reaches the page, and an abort reaches the worker only afterwards (the page side rejects at once).
 */
import type { Page } from '@playwright/test';

/** Starts keeping the detection worker busy for `ms` and returns at once. */
export function holdDetectionWorker(page: Page, ms: number): void {
  const worker = page.workers().find((w) => w.url().includes('detector_worker'));
  if (worker === undefined) throw new Error('the page has no detection worker');
  worker.evaluate((ms) => {
    const end = performance.now() + ms;
    while (performance.now() < end) { /* busy, as a slow machine */ }
  }, ms).catch(() => undefined); // the test may end first
}
