/**
 * Sample images from the test splits of the shared data sets, served from public/samples/ by
 * scripts/copy_samples.mjs (which writes index.json). No manifest means no samples, never an error.
 */
export interface Sample {
  readonly label: string;
  readonly dataset: string;
  /** File name inside samples/. */
  readonly image: string;
  /** VOC XML beside it, or null. */
  readonly annotation: string | null;
}

export function sampleUrl(file: string): string {
  return `${import.meta.env.BASE_URL}samples/${file}`;
}

export async function listSamples(): Promise<Sample[]> {
  try {
    const response = await fetch(sampleUrl('index.json'));
    if (!response.ok) return [];
    const manifest = (await response.json()) as { samples?: Sample[] };
    return manifest.samples ?? [];
  } catch {
    return [];
  }
}

export async function fetchSample(file: string): Promise<Blob> {
  const response = await fetch(sampleUrl(file));
  if (!response.ok) throw new Error(`sample ${file}: HTTP ${response.status}`);
  return response.blob();
}
