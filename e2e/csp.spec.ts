/**
 * Issue 9, item 6 (c): the production build works under a strict Content-Security-Policy. The app (dist/) is built
 * into test-results/ and served as static files with the CSP header on every response (pages and workers), and a
 * report-uri that collects every violation, the workers' included; the page also listens for
 * securitypolicyviolation events and console errors. The policy and why each part is needed: see SECURITY.md.
Both tests also guard the network (privacy_support.ts): the built app, like the dev one, asks no other host.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { serveStatic, type StaticSite } from './library_support';
import { expect, REPO_ROOT, test } from './page_objects';
import { detectThenFineTune, guardNetwork, tinyPng } from './privacy_support';

/** No 'unsafe-eval' and no 'unsafe-inline': wasm compilation is the one exception ('wasm-unsafe-eval'). */
export const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  'report-uri /csp-report',
].join('; ');

const OUT = join(REPO_ROOT, 'test-results', 'dist-csp');
let site: StaticSite;

test.describe.configure({ timeout: 120_000 });

test.beforeAll(() => {
  execFileSync('npx', ['vite', 'build', '--outDir', OUT, '--emptyOutDir', '--logLevel', 'warn'], { cwd: REPO_ROOT, stdio: 'pipe' });
});

test.beforeEach(async () => {
  site = await serveStatic([['/', OUT]], new Map(), { 'content-security-policy': STRICT_CSP });
});

test.afterEach(async () => {
  await site?.close();
});

/** Violations seen by the page: securitypolicyviolation events, and console errors that mention the policy. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) seen.push(message.text());
  });
  page.on('pageerror', (error) => {
    if (/Content Security Policy|unsafe-eval|Refused to/i.test(error.message)) seen.push(error.message);
  });
  await page.exposeFunction('reportCspViolation', (text: string) => seen.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      void (window as unknown as { reportCspViolation: (t: string) => void }).reportCspViolation(`${e.violatedDirective}: ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return seen;
}

/** Reports the browser posted to the report-uri (pages and workers). */
function reports(): string[] {
  return site.requests.filter((path) => path === '/csp-report');
}

test.describe('when the built app and widget are served with a strict Content-Security-Policy', () => {
  test('the app loads, detects and fine-tunes with no violation', async ({ page, context, api, stage, annotatePanel, trainPanel }) => {
    const violations = await watchViolations(page);
    const network = await guardNetwork(context); // the build, too, asks nothing of other hosts
    await page.goto(`${site.origin}/?backend=wasm&e2e`);
    await api.ready();
    await expect(page.getByTestId('backend.name')).toHaveText('wasm');
    await expect.poll(async () => (await api.models()).state, { timeout: 60_000 }).toBe('ready');
    const image = await tinyPng(page, 'disc.png');
    await detectThenFineTune({ api, stage, annotatePanel, trainPanel }, image);
    await test.step('the stylesheet applied (style-src self) and nothing was refused', async () => {
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('.tabs')!).display)).not.toBe('block');
      expect(violations).toEqual([]);
      expect(reports()).toEqual([]);
      expect(network.offsite).toEqual([]);
    });
  });

  test('the widget host page loads and detects (wasm, its automatic choice here) with no violation', async ({ page, context }) => {
    const violations = await watchViolations(page);
    const network = await guardNetwork(context);
    await page.goto(`${site.origin}/embed.html`);
    const result = await page.evaluate(async () => {
      await customElements.whenDefined('frcnn-detector');
      const widget = document.getElementById('detector-a') as HTMLElementTagNameMap['frcnn-detector'];
      widget.setAttribute('input-scale', '64');
      widget.setAttribute('max-proposals', '20');
      const { proposals, backend } = await new Promise<{ proposals: number; backend: string }>((resolve, reject) => {
        widget.addEventListener('detections', (e) => resolve({ proposals: e.detail.result.proposals.length, backend: e.detail.result.backend }));
        widget.addEventListener('error', (e) => reject(new Error(e.detail.message)));
        widget.src = 'samples/BloodImage_00007.jpg';
      });
      const frame = widget.shadowRoot!.querySelector('.frame')!;
      return { proposals, backend, styled: getComputedStyle(frame).position, hostFont: getComputedStyle(document.body).fontFamily };
    });
    expect(result.backend).toBe('wasm'); // the automatic choice here (SwiftShader WebGPU is software): wasm compiled under 'wasm-unsafe-eval'
    expect(result.proposals).toBeGreaterThan(0);
    expect(result.styled).not.toBe('static'); // the widget's own styles applied inside its shadow root
    expect(result.hostFont).toContain('Georgia'); // and the host page's stylesheet too
    expect(violations).toEqual([]);
    expect(reports()).toEqual([]);
    expect(network.offsite).toEqual([]);
  });
});
