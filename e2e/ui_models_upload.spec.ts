/**
 * Models tab, uploading a model whose name is taken (issue 19 item 5): the user is asked, never overwritten in
 * silence. The uploads are the shipped models' files under other names (raccoon: one class; bccd: three). Keep
 * both saves it as "name (2)"; Replace overwrites the saved one (its classes change); Cancel leaves the list as it
 * was; Save a copy asks the same; a default model's name offers only Keep both. Files go through the file chooser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseFiles, expect, keepScreenshot, REPO_ROOT, test } from './page_objects';

type Upload = { name: string; mimeType: string; buffer: Buffer }[];

/** A shipped model's two files (public/models/<shipped>/), uploaded under the name `jsonName`. */
function files(jsonName: string, shipped: 'raccoon' | 'bccd'): Upload {
  const dir = join(REPO_ROOT, 'public', 'models', shipped);
  return [
    { name: jsonName, mimeType: 'application/json', buffer: readFileSync(join(dir, 'model.json')) },
    { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: readFileSync(join(dir, 'weights.bin')) },
  ];
}

test('an upload whose name exists asks: keep both, replace, cancel', async ({ page, api, modelsPanel }) => {
  await page.goto('/?model=none&backend=wasm');
  await api.ready();
  await modelsPanel.open();
  const conflict = page.getByTestId('models.conflict');
  const names = async () => (await api.models()).models.filter((m) => m.source === 'browser').map((m) => m.name).sort();

  await test.step('a new name is saved at once, no question', async () => {
    await chooseFiles(page, 'models.upload', files('mine.json', 'raccoon'));
    await expect(modelsPanel.row('mine')).toContainText('raccoon');
    await expect(conflict).toBeHidden();
  });

  await test.step('the same name again: the question; Keep both saves "mine (2)" and leaves "mine" as it was', async () => {
    await chooseFiles(page, 'models.upload', files('mine.json', 'bccd'));
    await expect(conflict).toBeVisible();
    await expect(conflict).toContainText('A model named “mine” already exists');
    await expect(conflict).toContainText('“mine (2)”');
    await keepScreenshot(page, 'models-upload-conflict');
    expect(await names()).toEqual(['mine']); // nothing saved while the question is open
    await page.getByTestId('models.conflict-keep').click();
    await expect(modelsPanel.row('mine (2)')).toContainText('Platelets, RBC, WBC');
    await expect(modelsPanel.row('mine')).not.toContainText('WBC');
    await expect(conflict).toBeHidden();
    expect(await names()).toEqual(['mine', 'mine (2)']);
  });

  await test.step('Replace overwrites the saved "mine" (now the blood-cell classes), and adds no model', async () => {
    await chooseFiles(page, 'models.upload', files('mine.json', 'bccd'));
    await expect(conflict).toBeVisible();
    await page.getByTestId('models.conflict-replace').click();
    await expect(modelsPanel.row('mine')).toContainText('Platelets, RBC, WBC');
    await expect(page.getByTestId('status')).toContainText('Replaced “mine”');
    expect(await names()).toEqual(['mine', 'mine (2)']);
  });

  await test.step('Cancel changes nothing', async () => {
    await chooseFiles(page, 'models.upload', files('mine.json', 'raccoon'));
    await page.getByTestId('models.conflict-cancel').click();
    await expect(page.getByTestId('status')).toContainText('cancelled');
    await expect(modelsPanel.row('mine')).toContainText('Platelets, RBC, WBC');
    expect(await names()).toEqual(['mine', 'mine (2)']);
  });

  await test.step('Save a copy under a taken name asks the same; Keep both saves "mine (3)"', async () => {
    await page.getByTestId('models.use.mine (2)').click();
    await page.getByTestId('models.save-name').fill('mine');
    await page.getByTestId('models.save').click();
    await expect(conflict).toContainText('A model named “mine” already exists');
    await page.getByTestId('models.conflict-keep').click();
    await expect(modelsPanel.row('mine (3)')).toContainText('Platelets, RBC, WBC');
    expect(await names()).toEqual(['mine', 'mine (2)', 'mine (3)']);
  });

  await test.step('a default model\'s name: no Replace, Keep both saves "bccd (2)"', async () => {
    // the app always serves its default model (public/models/index.json): its absence is a failure, not a skip
    expect((await api.models()).models.some((m) => m.name === 'bccd' && m.source === 'default')).toBe(true);
    await chooseFiles(page, 'models.upload', files('bccd.json', 'raccoon'));
    await expect(conflict).toContainText('a default model, which cannot be replaced');
    await expect(page.getByTestId('models.conflict-replace')).toBeHidden();
    await page.getByTestId('models.conflict-keep').click();
    await expect(modelsPanel.row('bccd (2)')).toContainText('raccoon');
    await keepScreenshot(page, 'models-upload-kept-both');
  });
});
