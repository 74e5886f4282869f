/**
 * The Detect tab says what the model knows (issue 19 item 4), as a user meets it on wasm: the model picker with each
 * model's classes and where it came from, the hint when an image is outside what the model was trained on (a raccoon
 * photo with the blood-cell model), the proposals layer with its count, the legend, and labels that never overlap.
 */
import type { Page } from '@playwright/test';
import type { DrawnLabels } from '../src/render/renderer';
import { expect, keepScreenshot, test, type TestApi } from './page_objects';

const RACCOON = 'raccoon-57.jpg';

async function detectedOn(api: TestApi, name: string): Promise<void> {
  await expect.poll(async () => { const s = await api.detect(); return `${s.image?.name} ${s.run}`; }, { timeout: 60_000 }).toBe(`${name} done`);
}

function labels(page: Page): Promise<DrawnLabels> {
  return page.evaluate(() => window.frcnnTestApi!.labels());
}

function overlap(a: readonly number[], b: readonly number[]): boolean {
  return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

test('the Detect tab says what the model knows, warns outside it, and draws proposals, legend and labels readably', async ({ page, detectPanel, modelsPanel, api }) => {
  await page.setViewportSize({ width: 1366, height: 800 });
  await page.goto('/?backend=wasm');
  await api.ready();
  const picker = page.getByTestId('detect.model-pick');
  const hint = page.getByTestId('detect.hint');
  const legend = page.getByTestId('stage.legend');

  await test.step('the picker shows the blood-cell model, its classes and where it came from', async () => {
    await expect(detectPanel.model).toContainText('ready', { timeout: 60_000 });
    await expect(picker.locator('option:checked')).toHaveText('bccd (shipped) — Platelets, RBC, WBC');
    await expect(picker.locator('option')).toHaveText(['bccd (shipped) — Platelets, RBC, WBC', 'raccoon (shipped) — raccoon']);
    await expect(page.getByTestId('detect.model-classes')).toHaveText('Knows: PlateletsRBCWBC');
    await expect(page.getByTestId('detect.model-origin')).toHaveText('shipped: trained on BCCD, 205 photos, test mAP 0.81 on 72 photos');
  });

  await test.step('a raccoon photo with the blood-cell model: confident "WBC" boxes, and the hint says the image is outside', async () => {
    await detectPanel.sample(RACCOON).click();
    await detectedOn(api, RACCOON);
    await expect(hint).toBeVisible();
    await expect(hint).toHaveAttribute('data-reasons', /unlike/);
    await expect(hint).toContainText('This model knows: Platelets, RBC, WBC. This image is unlike the 205 BCCD photos it was trained on');
    await keepScreenshot(page, 'knows-raccoon-with-bccd-hint');
  });

  await test.step('the legend names the classes; the proposals come with their count; no two labels overlap', async () => {
    for (const name of ['Platelets', 'RBC', 'WBC']) await expect(legend.getByTestId(`stage.legend.class.${name}`)).toHaveText(name);
    await detectPanel.layer('proposals').check();
    await detectPanel.layer('suppressed').check();
    const scene = await api.scene();
    const proposals = scene.filter((o) => o.kind === 'proposal');
    expect(proposals.length).toBeGreaterThan(100);
    const count = proposals.length.toLocaleString('en-US');
    await expect(page.getByTestId('detect.proposal-count')).toHaveText(` (${count})`);
    await expect(legend.getByTestId('stage.legend.layer.proposals')).toHaveText(`${count} proposals (shaded where they crowd; the 20 best outlined)`);
    await expect(legend.getByTestId('stage.legend.layer.suppressed')).toHaveText('suppressed by NMS');
    expect(scene.filter((o) => o.kind === 'density')).toHaveLength(1);
    expect(scene.filter((o) => o.top)).toHaveLength(20);
    const drawn = await labels(page);
    expect(drawn.placed.length + drawn.hidden.length).toBe(scene.filter((o) => o.label != null).length);
    expect(drawn.placed.length).toBeGreaterThan(5);
    for (let i = 0; i < drawn.placed.length; i++) {
      for (let j = i + 1; j < drawn.placed.length; j++) expect(overlap(drawn.placed[i].rect, drawn.placed[j].rect), `${drawn.placed[i].text} / ${drawn.placed[j].text}`).toBe(false);
    }
    const note = legend.getByTestId('stage.legend.note');
    if (drawn.hidden.length === 0) await expect(note).toHaveCount(0);
    else await expect(note).toHaveText(`${drawn.hidden.length} label${drawn.hidden.length === 1 ? '' : 's'} left out for room`);
    await keepScreenshot(page, 'knows-proposals-legend-labels');
    await detectPanel.layer('proposals').uncheck();
    await detectPanel.layer('suppressed').uncheck();
  });

  await test.step('picking the raccoon model in the Detect tab detects again with it; the hint goes; the Models tab agrees', async () => {
    await picker.selectOption({ label: 'raccoon (shipped) — raccoon' });
    await expect(page.getByTestId('detect.model-classes')).toHaveText('Knows: raccoon');
    await expect(page.getByTestId('detect.model-origin')).toHaveText('shipped: trained on raccoon, 160 photos, test mAP 0.89 on 40 photos');
    await expect.poll(async () => (await api.models()).active).toBe('raccoon');
    await expect.poll(async () => (await api.scene()).filter((o) => o.kind === 'detection').map((o) => o.label?.split(' ')[0]), { timeout: 60_000 }).toContain('raccoon');
    await detectedOn(api, RACCOON);
    await expect(hint).toBeHidden();
    await expect(legend.getByTestId('stage.legend.class.raccoon')).toBeVisible();
    await keepScreenshot(page, 'knows-raccoon-model');
    await modelsPanel.open();
    await expect(modelsPanel.row('raccoon')).toContainText('in use');
  });
});
