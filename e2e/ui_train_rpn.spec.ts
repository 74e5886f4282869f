/**
 * Learned proposals end to end (issue 18), as a user does it on the wasm backend: import two annotated BCCD images,
 * choose "Proposals: learned (RPN)" in the Train tab, train four iterations at the smallest scale (the head only, no mirrored copies), save the model,
 * and detect with it in the Detect tab: its RPN's best proposals, the objectness heatmap, and a detection's anchor.
 */
import { join } from 'node:path';
import { expect, keepScreenshot, SHARED_DATASETS, test } from './page_objects';

const BCCD = join(SHARED_DATASETS, 'bccd');
const NAMES = ['BloodImage_00000', 'BloodImage_00001'];
const ITERATIONS = 4;

test('train a tiny RPN through the Train tab choice, save it, and see its proposals and anchors in the Detect tab', async ({ page, api, annotatePanel, trainPanel, modelsPanel, detectPanel }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/?backend=wasm');
  await api.ready();
  // the default model's load and warm-up first, so they do not share the cores with the training run
  await expect.poll(async () => (await api.models()).state, { timeout: 60_000 }).toBe('ready');

  await test.step('two annotated images; the Proposals choice says why selective search is the default; choose learned (RPN)', async () => {
    await annotatePanel.open();
    await annotatePanel.importInput.setInputFiles([...NAMES.map((n) => join(BCCD, 'JPEGImages', `${n}.jpg`)), ...NAMES.map((n) => join(BCCD, 'Annotations', `${n}.xml`))]);
    await expect.poll(async () => (await api.annotate()).images.length).toBe(2);
    await trainPanel.open();
    const choice = page.getByTestId('train.choice.proposals');
    await expect(choice).toContainText('proposals: selective search');
    await expect(choice).toContainText('validation');
    await page.getByTestId('train.proposals').selectOption('rpn');
    await expect(choice).toContainText('learned (RPN)');
    await expect(page.getByTestId('train.proposals.mine')).toBeVisible();
    await trainPanel.iterations.fill(String(ITERATIONS));
    await trainPanel.iterations.dispatchEvent('change');
    // the quickest run: the smallest scale, the head only, no mirrored copies
    await trainPanel.scale.selectOption('320');
    await page.getByTestId('train.trainable').selectOption('fc');
    await page.getByTestId('train.flip').uncheck();
    expect((await api.train()).settings).toMatchObject({ proposals: 'rpn', iterations: ITERATIONS, scale: 320, trainable: 'fc', flipped: false });
  });

  await test.step('the run trains the RPN with the head: its loss is reported every iteration and falls; the model carries its weights', async () => {
    await trainPanel.start.click();
    await expect.poll(async () => (await api.train()).phase, { timeout: 120_000 }).toBe('done');
    const run = await api.train();
    expect(run.iteration).toBe(ITERATIONS);
    expect(run.rpnLosses).toHaveLength(ITERATIONS);
    expect(run.rpnLosses.every(Number.isFinite)).toBe(true);
    const [first, last] = [run.rpnLosses[0], run.rpnLosses.at(-1)!];
    // measured (seeded, the same every run): 0.726, 0.725, 0.720, 0.716
    expect(last).toBeLessThan(first - 0.005);
    expect(run.rpn?.weights).toEqual(expect.arrayContaining([expect.stringMatching(/^rpn\/.+/)]));
    expect(run.rpn!.weights.length).toBeGreaterThanOrEqual(6); // conv, objectness and deltas: kernel and bias each
    expect(run.rpn!.anchorSides.length).toBeGreaterThan(0);
    await expect(page.locator('[data-testid="train.loss-plot"] path[data-series="rpn"]')).toHaveCount(1);
    test.info().annotations.push({ type: 'rpn loss', description: `${first.toFixed(3)} -> ${last.toFixed(3)} over ${ITERATIONS} iterations` });
    await page.getByTestId('train.loss-plot').scrollIntoViewIfNeeded();
    await keepScreenshot(page, 'train-rpn-done');
  });

  await test.step('save it: the Detect tab detects with its RPN', async () => {
    await trainPanel.modelName.fill('tiny-rpn');
    await trainPanel.save.click();
    await expect(trainPanel.saved).toContainText('Saved as “tiny-rpn”');
    await modelsPanel.open();
    await expect.poll(async () => (await api.models()).state, { timeout: 60_000 }).toBe('ready');
    expect((await api.models()).active).toBe('tiny-rpn');
    await page.getByTestId('tabs.detect').click();
    await detectPanel.sample('BloodImage_00007.jpg').click();
    await expect.poll(async () => (await api.detect()).run, { timeout: 60_000 }).toBe('done');
    // selective search by default, as the widget, detect() and eval; the model's RPN is one choice away
    await expect(page.getByTestId('detect.proposals')).toHaveValue('selective-search');
    await page.getByTestId('detect.proposals').selectOption('rpn');
    await expect(page.getByTestId('detect.proposal-count')).toContainText('from the RPN', { timeout: 60_000 });
    await expect.poll(async () => (await api.detect()).run, { timeout: 60_000 }).toBe('done');
    await expect(page.getByTestId('detect.times')).toContainText('Proposals (RPN, after the backbone)');
  });

  await test.step('the RPN layers: its 20 best proposals by objectness and the heatmap, in the legend', async () => {
    const rpnLayer = page.getByTestId('detect.layer.rpnProposals');
    await expect(rpnLayer).toBeVisible();
    await rpnLayer.check();
    await page.getByTestId('detect.layer.objectness').check();
    const scene = await api.scene();
    expect(scene.filter((o) => o.kind === 'rpnProposal')).toHaveLength(20);
    const heatmap = scene.find((o) => o.id === 'density:objectness');
    expect(heatmap?.density?.cells.length).toBe(heatmap!.density!.rows * heatmap!.density!.cols);
    expect(heatmap!.density!.max).toBeGreaterThan(0);
    await expect(page.getByTestId('stage.legend.layer.rpnProposals')).toHaveText('the 20 best RPN proposals by objectness');
    await expect(page.getByTestId('stage.legend.layer.objectness')).toBeVisible();
    await keepScreenshot(page, 'detect-rpn-layers');
  });

  await test.step('hovering a detection names its anchor, the RPN\'s regression of it, then the head\'s', async () => {
    // a model trained 8 iterations scores low: show every candidate it kept
    await page.getByTestId('detect.score').focus();
    await page.keyboard.press('Home');
    await expect.poll(async () => (await api.detect()).detectionKeys.length).toBeGreaterThan(0);
    const key = (await api.detect()).detectionKeys[0];
    await page.getByTestId(`detect.item.${key}`).hover();
    await expect.poll(async () => (await api.detect()).hoverKey).toBe(key);
    await expect(page.getByTestId('detect.details.anchor')).toHaveText(/^\d+ px, ratio \d+(\.\d+)?:\d+(\.\d+)? \(h:w\), cell row \d+, column \d+: \[/);
    await expect(page.getByTestId('detect.details.rpn-deltas')).toHaveText(/^dx -?\d\.\d{3}, dy -?\d\.\d{3}, dw -?\d\.\d{3}, dh -?\d\.\d{3}; objectness 0\.\d\d$/);
    await expect(page.getByTestId('detect.details.deltas')).toHaveText(/^dx /);
    const ids = (await api.scene()).map((o) => o.id);
    expect(ids.indexOf(`anchor:${key}`)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(`rpnRegression:${key}`)).toBeLessThan(ids.indexOf(`regression:${key}`));
    // selected, with the other layers off: the heatmap and this detection's story alone
    await page.getByTestId(`detect.item.${key}`).click();
    for (const layer of ['detections', 'preRegression', 'labels', 'rpnProposals']) await page.getByTestId(`detect.layer.${layer}`).uncheck();
    await expect.poll(async () => (await api.detect()).selectedKey).toBe(key);
    await expect(page.getByTestId('detect.details.anchor')).toBeVisible();
    expect((await api.scene()).map((o) => o.kind)).toEqual(expect.arrayContaining(['density', 'anchor', 'regression', 'detection']));
    await keepScreenshot(page, 'detect-rpn-anchor');
  });

  await test.step('the same model with selective search: no RPN layers; back to the RPN', async () => {
    await page.getByTestId('detect.proposals').selectOption('selective-search');
    await expect(page.getByTestId('detect.proposal-count')).not.toContainText('RPN', { timeout: 60_000 });
    await expect(page.getByTestId('detect.layer.objectness')).toBeHidden();
    expect((await api.scene()).some((o) => o.id === 'density:objectness')).toBe(false);
  });
});
