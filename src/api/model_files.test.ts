import { afterEach, describe, expect, it, vi } from 'vitest';
import { DetectorError } from './errors';
import { fetchArtifacts, resolveAssetUrl, resolvePageUrl } from './model_files';

describe('resolveAssetUrl', () => {
  it('reads a root-relative stored path relative to the assets base', () => {
    expect(resolveAssetUrl('/backbone/centernet.json', 'https://cdn.example/frcnn/')).toBe('https://cdn.example/frcnn/backbone/centernet.json');
    expect(resolveAssetUrl('models/bccd/model.json', 'https://cdn.example/frcnn')).toBe('https://cdn.example/frcnn/models/bccd/model.json');
  });

  it('keeps absolute URLs and indexeddb:// names as they are', () => {
    expect(resolveAssetUrl('https://other.example/m.json', 'https://cdn.example/')).toBe('https://other.example/m.json');
    expect(resolveAssetUrl('indexeddb://cells', 'https://cdn.example/')).toBe('indexeddb://cells');
  });
});

describe('resolvePageUrl', () => {
  it('keeps indexeddb:// and resolves paths like an <img src>', () => {
    expect(resolvePageUrl('indexeddb://cells')).toBe('indexeddb://cells');
    expect(resolvePageUrl('https://a.example/x.json')).toBe('https://a.example/x.json');
    expect(resolvePageUrl('/models/x/model.json')).toMatch(/^http:\/\/[^/]+\/models\/x\/model\.json$/);
  });
});

describe('fetchArtifacts', () => {
  afterEach(() => vi.unstubAllGlobals());

  const serve = (routes: Record<string, () => Response>) =>
    vi.stubGlobal('fetch', vi.fn(async (url: string) => (routes[url] ?? (() => new Response('nope', { status: 404 })))()));

  async function failure(url: string): Promise<DetectorError> {
    const error = await fetchArtifacts(url, 'model').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DetectorError);
    return error as DetectorError;
  }

  it('says "no model" for a 404, naming the URL and how to get a model', async () => {
    serve({});
    const error = await failure('https://a.example/models/m/model.json');
    expect(error.code).toBe('model-not-found');
    expect(error.message).toContain('https://a.example/models/m/model.json (HTTP 404)');
    expect(error.message).toContain('npm run train');
  });

  it('says "no model" when a dev server or SPA answers with its index.html', async () => {
    serve({ 'https://a.example/model.json': () => new Response('<!doctype html><html></html>', { status: 200 }) });
    expect((await failure('https://a.example/model.json')).code).toBe('model-not-found');
  });

  it('calls a JSON file without a weights manifest an invalid model', async () => {
    serve({ 'https://a.example/model.json': () => new Response('{"hello": 1}') });
    expect((await failure('https://a.example/model.json')).code).toBe('model-invalid');
  });

  it('reads the weight files next to model.json, in manifest order, with progress up to 1', async () => {
    const manifest = { modelTopology: { format: 'x' }, weightsManifest: [{ paths: ['a.bin', 'b.bin'], weights: [] }] };
    serve({
      'https://a.example/m/model.json': () => new Response(JSON.stringify(manifest)),
      'https://a.example/m/a.bin': () => new Response(new Uint8Array([1, 2])),
      'https://a.example/m/b.bin': () => new Response(new Uint8Array([3])),
    });
    const progress: number[] = [];
    const artifacts = await fetchArtifacts('https://a.example/m/model.json', 'model', (f) => progress.push(f));
    expect([...new Uint8Array(artifacts.weightData as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect(progress.at(-1)).toBe(1);
  });
});
