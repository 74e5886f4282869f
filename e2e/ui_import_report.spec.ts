/**
 * The Annotate tab's import report as a user meets it (issue 19): files chosen with "Import files…" among which
 * one XML is cut short, one has <xmax>abc</xmax> and one "image" is not an image. Each gets a rejected row naming
 * the file and the line at fault (with the line's text), the cut XML's image says why it came in unlabelled, the
 * class list is still built from the good boxes; the filter and the text download work; the next import (plain
 * images, two of them broken) replaces the report and reports each bad file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { chooseFiles, expect, keepScreenshot, SHARED_DATASETS, test } from './page_objects';

const RACCOON = join(SHARED_DATASETS, 'raccoon');
const GOOD = ['raccoon-10', 'raccoon-100', 'raccoon-101', 'raccoon-102'];

/** The raccoon files to import, with the faults written into a temporary folder. */
function writeDataset(): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'import-report-'));
  const xml = (name: string) => readFileSync(join(RACCOON, 'annotations', `${name}.xml`), 'utf8');
  const files: string[] = [];
  for (const name of [...GOOD, 'raccoon-1', 'raccoon-103']) files.push(join(RACCOON, 'images', `${name}.jpg`));
  for (const name of GOOD) files.push(join(RACCOON, 'annotations', `${name}.xml`));
  const cut = xml('raccoon-1');
  writeFileSync(join(dir, 'raccoon-1.xml'), cut.slice(0, cut.indexOf('</size>') + 4)); // ends inside </size>, line 12
  writeFileSync(join(dir, 'raccoon-103.xml'), xml('raccoon-103').replace(/<xmax>\d+<\/xmax>/, '<xmax>abc</xmax>'));
  writeFileSync(join(dir, 'raccoon-104.jpg'), 'this is not a JPEG');
  writeFileSync(join(dir, 'raccoon-104.xml'), xml('raccoon-104'));
  files.push(...['raccoon-1.xml', 'raccoon-103.xml', 'raccoon-104.jpg', 'raccoon-104.xml'].map((f) => join(dir, f)));
  return { dir, files };
}

const row = (page: Page, file: string) => page.locator(`[data-testid="annotate.report-row"][data-file="${file}"]`);

test('the import report: a row per file, faults with their line, filter, download, replaced by the next import', async ({ page, api, annotatePanel }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/?model=none');
  await api.ready();
  await annotatePanel.open();
  await expect(page.getByTestId('annotate.report')).toBeHidden();
  // the empty canvas offers what this tab has (samples are the Detect tab's)
  await expect(page.getByTestId('stage.empty-hint')).toHaveText('or paste one (Ctrl+V), or use Add images… or Import files… in the panel.');
  const { files } = writeDataset();

  await test.step('Import files…: 14 files, three of them bad; the status line says so and points at the report', async () => {
    await chooseFiles(page, 'annotate.import', files);
    await expect(page.getByTestId('status')).toContainText('3 files rejected');
    await expect(page.getByTestId('status')).toContainText('see the import report');
    await expect(page.getByTestId('annotate.report')).toBeVisible();
    await expect(page.getByTestId('annotate.report-counts')).toContainText('14 files');
  });

  await test.step('the cut XML: rejected with its line; its image came in unlabelled and says why', async () => {
    await expect(row(page, 'raccoon-1.xml')).toHaveAttribute('data-outcome', 'rejected');
    await expect(row(page, 'raccoon-1.xml')).toContainText('line 12'); // the file ends inside </size> on line 12
    await expect(row(page, 'raccoon-1.xml').locator('code')).toHaveText('</si');
    await expect(row(page, 'raccoon-1.xml')).toContainText('not valid XML');
    await expect(row(page, 'raccoon-1.jpg')).toHaveAttribute('data-outcome', 'warning');
    await expect(row(page, 'raccoon-1.jpg')).toContainText('its annotation file raccoon-1.xml');
  });

  await test.step('<xmax>abc</xmax>: the file, the line, the field and the line itself; its image has 0 boxes', async () => {
    const bad = row(page, 'raccoon-103.xml');
    await expect(bad).toHaveAttribute('data-outcome', 'rejected');
    await expect(bad).toContainText("<xmax> is 'abc'");
    await expect(bad).toContainText('line 22');
    await expect(bad.locator('code')).toHaveText('<xmax>abc</xmax>');
    await expect(row(page, 'raccoon-104.jpg')).toHaveAttribute('data-outcome', 'rejected');
    const snapshot = await api.annotate();
    expect(snapshot.classes).toEqual(['raccoon']); // built from the good files' boxes
    expect(snapshot.images.find((i) => i.name === 'raccoon-103.jpg')?.boxes).toBe(0);
    expect(snapshot.images.find((i) => i.name === 'raccoon-10.jpg')?.boxes).toBe(1);
    expect(snapshot.images.map((i) => i.name)).not.toContain('raccoon-104.jpg');
    await row(page, 'raccoon-103.xml').scrollIntoViewIfNeeded();
    await keepScreenshot(page, 'import-report-problems');
  });

  await test.step('the filter: problems only (the default after a faulty import), rejected, all', async () => {
    const rows = page.getByTestId('annotate.report-row');
    await expect(page.getByTestId('annotate.report-filter')).toHaveValue('problems');
    const problems = await rows.count();
    expect(problems).toBeGreaterThanOrEqual(4);
    await page.getByTestId('annotate.report-filter').selectOption('rejected');
    await expect(rows).toHaveCount(3);
    expect((await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-file')))).sort())
      .toEqual(['raccoon-1.xml', 'raccoon-103.xml', 'raccoon-104.jpg']);
    await page.getByTestId('annotate.report-filter').selectOption('all');
    await expect(rows).toHaveCount(14);
    await expect(row(page, 'raccoon-10.jpg')).toHaveAttribute('data-outcome', 'read');
    await expect(row(page, 'raccoon-10.jpg')).toContainText('image, 1 box');
    await keepScreenshot(page, 'import-report-all');
  });

  await test.step('Download report (.txt): every file, the outcome and the line at fault', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('annotate.report-download').click()]);
    expect(download.suggestedFilename()).toBe('import-report.txt');
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toContain('14 files:');
    expect(text).toContain('REJECTED raccoon-103.xml');
    expect(text).toContain('> <xmax>abc</xmax>');
    expect(text).toMatch(/REJECTED raccoon-1\.xml: not used\n {4}rejected: raccoon-1\.xml:\d+: not valid XML/);
    expect(text).toMatch(/REJECTED raccoon-104\.jpg: not imported/);
    expect(text).toContain('raccoon-104.xml: not used: its image raccoon-104.jpg was rejected');
  });

  await test.step('the next import (Add images…, two broken) replaces the report and names each bad file', async () => {
    await chooseFiles(page, 'annotate.add', [
      { name: 'good.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(RACCOON, 'images', 'raccoon-105.jpg')) },
      { name: 'broken-a.png', mimeType: 'image/png', buffer: Buffer.from('nope') },
      { name: 'broken-b.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('also nope') },
    ]);
    await expect(page.getByTestId('status')).toContainText('Added 1 image; 2 files could not be read');
    await expect(page.getByTestId('annotate.report-counts')).toContainText('3 files');
    await expect(row(page, 'raccoon-103.xml')).toHaveCount(0);
    await expect(row(page, 'broken-a.png')).toHaveAttribute('data-outcome', 'rejected');
    await expect(row(page, 'broken-b.jpg')).toHaveAttribute('data-outcome', 'rejected');
    await expect(page.getByTestId('annotate.summary')).toHaveText('7 images, 4 boxes.');
    await keepScreenshot(page, 'import-report-added-images');
  });
});
