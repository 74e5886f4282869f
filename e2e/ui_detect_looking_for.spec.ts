/**
 * "Looking for" in the Detect tab (issue 19 item 4: a hint when the model's classes do not match what the user asked
 * for), on wasm as a user meets it: a class the blood-cell model knows, typed in lower case, leaves only that class
 * drawn and listed; a class it does not know makes the hint say what it knows and that the raccoon model knows it;
 * the field is still filled after a reload (the same session).
 */
import { expect, keepScreenshot, test } from './page_objects';

const BLOOD = 'BloodImage_00007.jpg';

test('Looking for: a known class is the only one drawn; an unknown one names the models that know it', async ({ page, detectPanel, api }) => {
  await page.goto('/?backend=wasm');
  await api.ready();
  const field = page.getByLabel('Looking for');
  const hint = page.getByTestId('detect.hint');
  const drawnClasses = async (): Promise<string[]> =>
    (await api.scene()).filter((o) => o.kind === 'detection').map((o) => o.label!.split(' ')[0]);

  await detectPanel.sample(BLOOD).click();
  await expect.poll(async () => (await api.detect()).run, { timeout: 60_000 }).toBe('done');
  const all = await api.detect();
  const everything = await drawnClasses();
  expect(new Set(everything)).toEqual(new Set(['Platelets', 'RBC', 'WBC'])); // this slide: every class, drawn together

  await test.step('typing "wbc" leaves only the WBC boxes, on the canvas and in the list', async () => {
    await expect(page.locator('#detect-looking-for-classes option')).toHaveCount(3);
    await field.pressSequentially('wbc');
    await expect.poll(drawnClasses).toEqual(everything.filter((name) => name === 'WBC'));
    const wbcKeys = all.detectionKeys.filter((_, i) => everything[i] === 'WBC');
    expect((await api.detect()).detectionKeys).toEqual(wbcKeys);
    await expect(detectPanel.list.locator('button .name')).toHaveText(wbcKeys.map(() => 'WBC'));
    await expect(hint).toBeHidden();
    await keepScreenshot(page, 'looking-for-wbc');
  });

  await test.step('typing "Raccoon": everything is drawn again and the hint names the raccoon model', async () => {
    await field.fill('Raccoon');
    await expect(hint).toBeVisible();
    await expect(hint).toHaveAttribute('data-reasons', 'mismatch');
    await expect(hint).toHaveText('This model knows Platelets, RBC and WBC — not “Raccoon”. The raccoon model knows raccoon: '
      + 'pick it above, or fine-tune one on your photos (Annotate, then Fine-tune).');
    expect(await drawnClasses()).toEqual(everything);
    await keepScreenshot(page, 'looking-for-unknown-class');
  });

  await test.step('a reload keeps the field (this session); emptying it takes the hint away', async () => {
    await page.reload(); // no need to wait for the detector: the hint needs only the models' classes
    await expect(field).toHaveValue('Raccoon');
    await expect(hint).toContainText('The raccoon model knows raccoon');
    await field.fill('');
    await expect(hint).toBeHidden();
  });
});
