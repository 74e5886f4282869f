// Copies a few TEST-split images of the shared data sets (../shared/datasets, both MIT) into public/samples/, with
// their VOC annotations, so the page can offer them as one-click samples. The data sets stay outside the repository:
// public/samples/ is generated (and git-ignored), like public/backbone/.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const datasets = process.env.FRCNN_DATASETS ?? join(repoRoot, '..', 'shared', 'datasets');

/** Picked from bccd/ImageSets/Main/test.txt and raccoon/test_labels.csv: never from a training split. */
const SAMPLES = [
  { dataset: 'bccd', image: 'JPEGImages/BloodImage_00007.jpg', annotation: 'Annotations/BloodImage_00007.xml', label: 'Blood cells 1' },
  { dataset: 'bccd', image: 'JPEGImages/BloodImage_00011.jpg', annotation: 'Annotations/BloodImage_00011.xml', label: 'Blood cells 2' },
  { dataset: 'bccd', image: 'JPEGImages/BloodImage_00015.jpg', annotation: 'Annotations/BloodImage_00015.xml', label: 'Blood cells 3' },
  { dataset: 'raccoon', image: 'images/raccoon-57.jpg', annotation: 'annotations/raccoon-57.xml', label: 'Raccoon 1' },
  { dataset: 'raccoon', image: 'images/raccoon-145.jpg', annotation: 'annotations/raccoon-145.xml', label: 'Raccoon 2' },
];

const target = join(repoRoot, 'public', 'samples');
mkdirSync(target, { recursive: true });
const manifest = [];
for (const sample of SAMPLES) {
  const copied = {};
  for (const key of ['image', 'annotation']) {
    const from = join(datasets, sample.dataset, sample[key]);
    if (!existsSync(from)) {
      console.warn(`copy_samples: ${from} is missing; the page will offer the other samples.`);
      continue;
    }
    // The original file name, so an annotation's <filename> still matches its image.
    const name = sample[key].split('/').pop();
    const to = join(target, name);
    if (!existsSync(to) || statSync(to).size !== statSync(from).size) copyFileSync(from, to);
    copied[key] = name;
  }
  if (!copied.image) continue;
  const license = join(datasets, sample.dataset, 'LICENSE');
  if (existsSync(license)) writeFileSync(join(target, `${sample.dataset}-LICENSE.txt`), readFileSync(license));
  manifest.push({ label: sample.label, dataset: sample.dataset, image: copied.image, annotation: copied.annotation ?? null });
}
writeFileSync(join(target, 'index.json'), `${JSON.stringify({ samples: manifest }, null, 2)}\n`);
console.log(`copy_samples: ${manifest.length} sample images in public/samples/`);
