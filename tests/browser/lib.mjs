// What the browser test (app.test.mjs) and the browser benchmark (bench.mjs) share: the
// server, the browser, a generated manifest, and a paste with a paste-to-screen timing.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'tools/package.json'));
const { chromium } = require('playwright-core');

const kubecheck = process.env.KUBECHECK_BIN ?? join(root, 'target/debug/kubecheck');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const TIMEOUT = 15_000;

/// Starts `kubecheck serve` on a free port and resolves to its URL.
export function startServer() {
  return new Promise((resolvePromise, reject) => {
    const server = spawn(kubecheck, ['serve', '--addr', '127.0.0.1:0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`kubecheck serve did not start:\n${stderr}`)), TIMEOUT);
    server.on('error', (e) => reject(new Error(`cannot run ${kubecheck}: ${e.message}`)));
    server.on('exit', (code) => reject(new Error(`kubecheck serve exited with ${code}:\n${stderr}`)));
    server.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = stderr.match(/serving the web app at (http:\/\/\S+\/)/);
      if (match) {
        clearTimeout(timer);
        if (/warning/.test(stderr)) {
          reject(new Error(`kubecheck serve has no web app:\n${stderr}`));
        }
        resolvePromise({ server, url: match[1] });
      }
    });
  });
}

/// The system's headless Chromium with a fresh profile (a persistent one, so the service
/// worker and its cache behave as in a user's browser), allowed to use the clipboard.
export async function launch() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'kubecheck-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const close = async () => {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, close };
}

/// A manifest of exactly `lines` lines: Deployments with a few findings each.
export function bigManifest(lines) {
  const doc = (i) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-${i}
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web-${i}
  template:
    metadata:
      labels:
        app: web-${i}
    spec:
      containers:
      - name: app
        image: nginx:latest
        securityContext:
          privileged: true
        ports:
        - containerPort: 80
---
`;
  const out = [];
  for (let i = 0; out.length < lines; i++) out.push(...doc(i).split('\n').slice(0, -1));
  return out.slice(0, lines).join('\n');
}

/// The `i`th of a series of pastes of `text`: every other one renames the first resource,
/// so consecutive pastes differ in their text and in their findings (a paste whose
/// findings equal those shown renders nothing new).
export function nthPaste(text, i) {
  return i % 2 ? text.replace('name: web-0\n', 'name: web-zero\n') : text;
}

/// Records, in the page, when each check has rendered: the frame after the summary's
/// generation changed (the findings are painted by then).
export async function watchRenders(page) {
  await page.evaluate(() => {
    const summary = document.querySelector('[data-testid=summary]');
    new MutationObserver(() => {
      requestAnimationFrame(() => setTimeout(() => { window.__rendered = performance.now(); }, 0));
    }).observe(summary, { attributes: true, attributeFilter: ['data-generation'] });
    document.addEventListener('keydown', () => { window.__keydown = performance.now(); }, true);
    // When the browser had put the text in: what follows is the page's own work.
    document.addEventListener('input', (e) => { window.__input = e.timeStamp; }, true);
  });
}

/// Replaces the editor's text with `text` through the clipboard: select all, Ctrl+V, as a
/// user pastes (the browser fires a paste and an `insertFromPaste` input event).
export async function pasteText(page, text) {
  await page.evaluate((text) => navigator.clipboard.writeText(text), text);
  const input = page.getByTestId('manifest-input');
  await input.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.evaluate(() => { window.__rendered = undefined; });
  await page.keyboard.press('ControlOrMeta+V');
  if ((await input.inputValue()) !== text) throw new Error('the paste did not reach the editor');
}

/// Waits for the rendering that `watchRenders` records and returns the milliseconds
/// since the last keystroke, since the input event, and the findings shown.
export async function waitForRendered(page) {
  await page.waitForFunction(() => window.__rendered !== undefined, null, { timeout: TIMEOUT });
  return page.evaluate(() => ({
    ms: window.__rendered - window.__keydown,
    fromInput: window.__rendered - window.__input,
    findings: document.querySelectorAll('[data-testid=finding]').length,
  }));
}
