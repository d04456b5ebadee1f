// Browser tests of the web app, in the system's headless Chromium driven by playwright-core
// (tools/node_modules; no browser download), against the page served by the real
// `kubecheck serve`. Run by tests/tests/browser.rs (`cargo test`), or by hand:
//   KUBECHECK_BIN=target/debug/kubecheck node tests/browser/app.test.mjs
// Screenshots go to tests/artifacts/. Exits non-zero on the first failed check.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';

import {
  TIMEOUT, bigManifest, launch, nthPaste, pasteText, root, startServer, waitForRendered, watchRenders,
} from './lib.mjs';

const artifacts = join(root, 'tests/artifacts');

const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      privileged: true
`;
const PRIVILEGED_LINE = 11; // the line of `privileged: true`

/// SYS_ADMIN and NET_ADMIN added, the Docker socket and /var/log mounted: eight findings
/// or more, so the resource folds; SYS_ADMIN is one critical finding with NET_ADMIN as a
/// related place.
const AGENT_POD = `apiVersion: v1
kind: Pod
metadata:
  name: agent
  namespace: shop
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      capabilities:
        add: [SYS_ADMIN, NET_ADMIN]
    volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}, {name: logs, mountPath: /host/log}]
  volumes:
  - name: sock
    hostPath: {path: /var/run/docker.sock}
  - name: logs
    hostPath: {path: /var/log}
`;
const NET_ADMIN_LINE = 12;

const BROKEN = `apiVersion: v1
kind: ConfigMap
metadata:
  name: broken
data:
  key: "unterminated
`;

const LOAD_BALANCER = `apiVersion: v1
kind: Service
metadata:
  name: shop
  namespace: shop
spec:
  type: LoadBalancer
  ports:
  - port: 80
`;

/// A test plugin from tests/fixtures/<folder>, assembled with binaryen's wasm-as.
function testPlugin(folder, name) {
  const out = join(mkdtempSync(join(tmpdir(), 'kubecheck-plugin-')), `${name}.wasm`);
  execFileSync(join(root, 'tools/node_modules/.bin/wasm-as'), [join(root, `tests/fixtures/${folder}/${name}.wat`), '-o', out]);
  return { name: `${name}.wasm`, mimeType: 'application/wasm', buffer: readFileSync(out) };
}

function hostilePlugin(name) {
  return testPlugin('hostile', name);
}

/// Over the budget of tests/fixtures/plugins/cost-with-fix.wat, which always reports
/// resource 0's `replicas` with a fix to 3.
const OVER_BUDGET = readFileSync(join(root, 'tests/fixtures/plugins/cost-with-fix.yaml'), 'utf8');

/// The C example plugin, built from its source by its build.sh (clang and lld).
function cPlugin() {
  const out = join(mkdtempSync(join(tmpdir(), 'kubecheck-plugin-')), 'image-pull.wasm');
  execFileSync(join(root, 'examples/plugins/image-pull-c/build.sh'), [out]);
  return { name: 'image-pull.wasm', mimeType: 'application/wasm', buffer: readFileSync(out) };
}

function step(name) {
  console.log(`browser: ${name}`);
}

/// Replaces the editor's text the way a paste does (one input event).
async function setText(page, text) {
  await page.getByTestId('manifest-input').fill(text);
}

/// Whether the gutter's number for `line` sits level with that line of the editor.
async function gutterLineAligned(page, line) {
  return page.evaluate((line) => {
    const number = document.querySelector(`.gutter .ln[data-line="${line}"]`).getBoundingClientRect();
    const ta = document.querySelector('[data-testid=manifest-input]');
    const style = getComputedStyle(ta);
    const top = ta.getBoundingClientRect().top + parseFloat(style.paddingTop)
      + (line - 1) * parseFloat(style.lineHeight) - ta.scrollTop;
    return Math.abs(number.top - top) < 1;
  }, line);
}

async function generation(page) {
  return Number(await page.getByTestId('summary').getAttribute('data-generation'));
}

/// Waits until a check newer than `after` has rendered.
async function waitForCheck(page, after) {
  await page.waitForFunction(
    (after) => Number(document.querySelector('[data-testid=summary]').dataset.generation) > after,
    after,
    { timeout: TIMEOUT },
  );
}

/// Two workloads and the policy that lets only one reach the other (`kubecheck netpol`'s
/// model): web -> db on 5432 is allowed by the rule on NETWORK_RULE_LINE.
const NETWORK = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.30", ports: [{containerPort: 80}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: "postgres:17.6", ports: [{containerPort: 5432}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
    ports: [{port: 5432}]
`;
const NETWORK_RULE_LINE = 27;

async function main() {
  mkdirSync(artifacts, { recursive: true });
  const { server, url } = await startServer();
  const origin = new URL(url).origin;
  const { context, close } = await launch();
  const requests = [];
  const problems = [];
  context.on('request', (request) => requests.push(request.url()));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(TIMEOUT);
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));

    step(`load ${url}`);
    await page.goto(url);
    const input = page.getByTestId('manifest-input');
    await input.waitFor();
    await page.waitForSelector('[data-testid=finding]');

    step('type a manifest with a privileged container');
    await setText(page, '');
    let before = await generation(page);
    await input.pressSequentially(PRIVILEGED_POD, { delay: 0 });
    await waitForCheck(page, before);
    const finding = page.locator('[data-testid=finding][data-rule=privileged-container]');
    await finding.waitFor();
    assert.equal(await finding.count(), 1, 'one privileged-container finding');
    assert.equal(await finding.getAttribute('data-line'), String(PRIVILEGED_LINE));
    assert.equal(await finding.getAttribute('data-severity'), 'critical');
    assert.match(await page.getByTestId('summary').innerText(), /critical/);

    step('a paste is checked at once, not after the typing pause');
    before = await generation(page);
    await pasteText(page, PRIVILEGED_POD);
    // The paste's own input event sent the check to the check worker: at no point does
    // it wait for the typing pause.
    assert.notEqual(await page.getByTestId('summary').getAttribute('data-pending'), 'typing',
      'the paste was not held for the typing pause');
    await waitForCheck(page, before);
    assert.equal(await page.getByTestId('summary').getAttribute('data-pending'), 'false');
    assert.equal(await finding.count(), 1, 'its finding is on screen');

    step('click it: the editor selects and marks the span');
    await finding.locator('.goto').click();
    const selection = await input.evaluate((ta) => ({
      focused: document.activeElement === ta,
      selected: ta.value.slice(ta.selectionStart, ta.selectionEnd),
      line: ta.value.slice(0, ta.selectionStart).split('\n').length,
    }));
    assert.deepEqual(selection, { focused: true, selected: 'true', line: PRIVILEGED_LINE });
    assert.equal(await page.locator('.backdrop mark').innerText(), 'true');
    await page.locator(`.gutter .ln.selected[data-line="${PRIVILEGED_LINE}"]`).waitFor();
    assert.ok(await gutterLineAligned(page, PRIVILEGED_LINE), 'the gutter marks the line beside it');

    step('apply its fix: the finding disappears');
    before = await generation(page);
    await finding.getByRole('button', { name: /apply fix/i }).click();
    await waitForCheck(page, before);
    await finding.waitFor({ state: 'detached' });
    assert.match(await input.inputValue(), /privileged: false/);

    step('rule documentation opens in the page and closes with Escape');
    await setText(page, PRIVILEGED_POD);
    await finding.locator('summary').click();
    assert.match(await finding.locator('.why').innerText(), /isolation/);
    await finding.getByRole('button', { name: /rule documentation/i }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /What it does[\s\S]*Why is this bad\?[\s\S]*privileged: false/);
    await page.screenshot({ path: join(artifacts, 'browser-rule-doc.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    step('keyboard: Tab reaches a finding, Enter selects its span');
    await setText(page, PRIVILEGED_POD);
    await finding.waitFor();
    await page.locator('[data-testid=summary] button').first().focus();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(
        () => document.activeElement?.closest('[data-rule=privileged-container]') !== null
          && document.activeElement?.classList.contains('goto'),
      );
    }
    assert.ok(reached, 'a finding is reachable with Tab');
    await page.keyboard.press('Enter');
    assert.equal(await input.evaluate((ta) => ta.value.slice(ta.selectionStart, ta.selectionEnd)), 'true');

    step('share link: the manifests travel in the fragment only');
    await setText(page, PRIVILEGED_POD);
    await finding.waitFor();
    await page.getByRole('button', { name: 'Share link' }).click();
    const link = await page.locator('#share-link').inputValue();
    const shared = new URL(link);
    assert.equal(`${shared.origin}${shared.pathname}${shared.search}`, url, 'nothing but the fragment carries the text');
    assert.match(shared.hash, /^#m=[A-Za-z0-9_-]+$/);
    await setText(page, '');
    await page.goto(link);
    await page.reload();
    await finding.waitFor();
    assert.equal(await input.inputValue(), PRIVILEGED_POD);

    step('a document with a parse error is marked (opened from a share link)');
    const fragment = `m=${deflateRawSync(Buffer.from(BROKEN)).toString('base64url')}`;
    await page.goto(`${url}#${fragment}`);
    await page.reload(); // a fragment-only change does not reload the page
    const error = page.getByTestId('error');
    await error.waitFor();
    const errorLine = await error.getAttribute('data-line');
    assert.ok(Number(errorLine) >= 6, `the error is at the unterminated string (line ${errorLine})`);
    await page.locator(`.gutter .ln.mark-error[data-line="${errorLine}"]`).waitFor();
    assert.equal(await input.inputValue(), BROKEN);
    await error.locator('button').click();
    assert.equal(await input.evaluate((ta) => ta.value.slice(0, ta.selectionStart).split('\n').length), Number(errorLine));

    step('options persist: a rule switched off stays off after a reload');
    await page.goto(url);
    await setText(page, PRIVILEGED_POD);
    await finding.waitFor();
    await page.locator('details.options > summary').click();
    const toggle = page.locator('.rule-toggle', { hasText: 'privileged-container' }).locator('input');
    await toggle.uncheck();
    await finding.waitFor({ state: 'detached' });
    await page.reload();
    await page.locator('details.options > summary').click();
    assert.equal(await toggle.isChecked(), false, 'still off after reload');
    await toggle.check();

    step('open two files at once: one stream, each file named');
    before = await generation(page);
    await page.getByLabel('Open manifest files').setInputFiles([
      { name: 'pod.yaml', mimeType: 'application/yaml', buffer: Buffer.from(PRIVILEGED_POD) },
      { name: 'broken.yaml', mimeType: 'application/yaml', buffer: Buffer.from(BROKEN) },
    ]);
    await waitForCheck(page, before);
    const opened = await input.inputValue();
    assert.match(opened, /^# file: pod\.yaml\n/);
    assert.match(opened, /\n---\n# file: broken\.yaml\n/);
    await finding.waitFor();
    await error.waitFor();

    step('apply all fixes: fewer findings, still valid YAML');
    // Counted once this text's check has rendered: the opened files' findings are on
    // screen until then.
    before = await generation(page);
    await setText(page, PRIVILEGED_POD);
    await waitForCheck(page, before);
    await finding.waitFor();
    const countBefore = await page.getByTestId('finding').count();
    before = await generation(page);
    await page.getByRole('button', { name: /apply all fixes/i }).click();
    await waitForCheck(page, before);
    await finding.waitFor({ state: 'detached' });
    const automount = page.locator('[data-testid=finding][data-rule=automount-service-account-token]');
    assert.equal(await automount.count(), 0, 'fixes that do not clash are applied together');
    // One finding per cause: the privileged finding folded the escalation and capability
    // findings, which show once it is fixed; fixes that insert at one place wait for the
    // next round, so a second click leaves fewer findings than there were.
    before = await generation(page);
    await page.getByRole('button', { name: /apply all fixes/i }).click();
    await waitForCheck(page, before);
    assert.ok((await page.getByTestId('finding').count()) < countBefore, 'fewer findings');
    assert.equal(await page.getByTestId('error').count(), 0, 'the fixed text still parses');

    step('download the report as JSON and SARIF');
    await setText(page, PRIVILEGED_POD);
    await finding.waitFor();
    const download = async (name) => {
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name, exact: true }).click(),
      ]);
      const chunks = [];
      for await (const chunk of await file.createReadStream()) chunks.push(chunk);
      return { name: file.suggestedFilename(), json: JSON.parse(Buffer.concat(chunks).toString()) };
    };
    const json = await download('Report JSON');
    assert.equal(json.name, 'kubecheck-report.json');
    assert.equal(json.json.version, 1);
    assert.ok(json.json.findings.some((f) => f.rule === 'privileged-container' && f.location.line === PRIVILEGED_LINE));
    const sarif = await download('SARIF');
    assert.equal(sarif.name, 'kubecheck.sarif');
    assert.equal(sarif.json.version, '2.1.0');
    assert.ok(sarif.json.runs[0].results.some((r) => r.ruleId === 'privileged-container'));

    step('plugins: a WAT plugin runs in the page, a looping one is stopped, a WASI one refused');
    await page.locator('details.options').evaluate((d) => { d.open = true; });
    const loadPlugins = page.getByLabel('Load rule plugins (.wasm)');
    await loadPlugins.setInputFiles({
      name: 'edge.wasm',
      mimeType: 'application/wasm',
      buffer: readFileSync(join(root, 'examples/plugins/wat-edge-lb/plugin.wasm')),
    });
    await page.locator('[data-testid=plugin][data-plugin=edge]').waitFor();
    await setText(page, LOAD_BALANCER);
    const edge = page.locator('[data-testid=finding][data-rule="edge/load-balancer-service"]');
    await edge.waitFor();
    assert.equal(await edge.getAttribute('data-line'), '7');
    assert.equal(await edge.getAttribute('data-severity'), 'high');

    const started = Date.now();
    await loadPlugins.setInputFiles(hostilePlugin('infinite-loop'));
    await page.locator('[data-testid=plugin][data-plugin=infinite-loop]').waitFor();
    const stopped = page.locator('[data-testid=error][data-plugin=infinite-loop]');
    await stopped.waitFor({ timeout: 20_000 });
    assert.match(await stopped.innerText(), /timeout/);
    console.log(`browser: the looping plugin was stopped after ${Date.now() - started} ms`);
    await edge.waitFor(); // the other plugin and the built-in rules still report
    await page.waitForSelector('[data-testid=summary][data-pending=false]');

    await loadPlugins.setInputFiles(hostilePlugin('wasi-imports'));
    await page.locator('.notice', { hasText: 'forbidden import' }).waitFor();
    assert.match(await page.locator('.notice').innerText(), /wasi_snapshot_preview1\.fd_write/);
    assert.equal(await page.locator('[data-testid=plugin][data-plugin=wasi-imports]').count(), 0);
    await page.getByRole('button', { name: 'Remove plugin infinite-loop' }).click();
    await page.getByRole('button', { name: 'Remove plugin edge' }).click();
    await edge.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Dismiss message' }).click();

    step('plugins: a plugin\'s own category and its fix show in the page');
    await loadPlugins.setInputFiles(testPlugin('plugins', 'cost-with-fix'));
    await page.locator('[data-testid=plugin][data-plugin=acme]').waitFor();
    await setText(page, OVER_BUDGET);
    const cost = page.locator('[data-testid=finding][data-rule="acme/replica-budget"]');
    await cost.waitFor();
    assert.equal(await cost.locator('.category').innerText(), 'cost');
    const categoryFilter = page.locator('.category-filter select');
    await categoryFilter.selectOption('cost');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=finding]')]
      .every((f) => f.dataset.rule === 'acme/replica-budget'));
    await categoryFilter.selectOption('');
    await cost.getByTestId('apply-fix').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=manifest-input]').value.includes('replicas: 3'));
    await page.getByRole('button', { name: 'Remove plugin acme' }).click();
    await cost.waitFor({ state: 'detached' });

    step('plugins: the C example plugin runs in the page');
    // The text first: a plugin loaded onto the previous text would report on it.
    await setText(page, PRIVILEGED_POD);
    await loadPlugins.setInputFiles(cPlugin());
    await page.locator('[data-testid=plugin][data-plugin=image-pull]').waitFor();
    const mutableTag = page.locator('[data-testid=finding][data-rule="image-pull/cached-mutable-tag"]');
    await mutableTag.waitFor();
    assert.equal(await mutableTag.count(), 1);
    assert.equal(await mutableTag.getAttribute('data-line'), '9'); // `image: nginx:1.27`
    assert.equal(await mutableTag.getAttribute('data-severity'), 'medium');
    assert.match(await mutableTag.innerText(), /uses the mutable tag nginx:1\.27 with the default imagePullPolicy: IfNotPresent/);
    await page.getByRole('button', { name: 'Remove plugin image-pull' }).click();
    await mutableTag.waitFor({ state: 'detached' });

    step('one finding per cause, worst first, a resource with many findings folds');
    before = await generation(page);
    await setText(page, AGENT_POD);
    await waitForCheck(page, before);
    const group = page.locator('[data-testid=group]');
    assert.equal(await group.count(), 1);
    assert.match(await group.getAttribute('class'), /folded/);
    const rows = group.locator('[data-testid=finding]');
    const severities = await rows.evaluateAll((items) => items.map((i) => i.dataset.severity));
    const rank = ['critical', 'high', 'medium', 'low', 'info'];
    assert.deepEqual(severities, [...severities].sort((a, b) => rank.indexOf(a) - rank.indexOf(b)), 'worst first');
    const more = group.locator('details.more');
    assert.equal(await more.evaluate((d) => d.open), false, 'the rest starts folded');
    assert.equal(await page.locator('[data-testid=finding][data-rule=dangerous-capabilities]').count(), 0);
    const sysAdmin = page.locator('[data-testid=finding][data-rule=sys-admin-capability]');
    assert.equal(await sysAdmin.getAttribute('data-severity'), 'critical');
    assert.match(await sysAdmin.locator('.related-rules').innerText(), /dangerous-capabilities/);

    step('a related place is a link: the editor selects it');
    const related = sysAdmin.locator('[data-testid=related]');
    assert.equal(await related.getAttribute('data-line'), String(NET_ADMIN_LINE));
    await related.locator('button').click();
    const relatedSelection = await input.evaluate((ta) => ({
      selected: ta.value.slice(ta.selectionStart, ta.selectionEnd),
      line: ta.value.slice(0, ta.selectionStart).split('\n').length,
    }));
    assert.deepEqual(relatedSelection, { selected: 'NET_ADMIN', line: NET_ADMIN_LINE });
    await page.screenshot({ path: join(artifacts, 'browser-folded.png') });

    step('severity chips filter the list');
    await page.locator('.sev-toggle.sev-critical').click();
    await sysAdmin.waitFor({ state: 'detached' });
    await page.locator('.sev-toggle.sev-critical').click();
    await sysAdmin.waitFor();

    step('network view: the matrix of the pasted workloads, a cell opens the deciding rule');
    before = await generation(page);
    await setText(page, NETWORK);
    await waitForCheck(page, before);
    const network = page.getByTestId('network');
    await network.locator('summary').click();
    const cell = (from, to) => network.locator(`[data-testid=network-cell][data-from="${from}"][data-to="${to}"]`);
    assert.equal(await cell('shop/web', 'shop/db').innerText(), 'all', 'web reaches the database port');
    assert.equal(await cell('outside', 'shop/db').innerText(), '—', 'nothing else reaches the database');
    assert.equal(await cell('shop/db', 'shop/web').innerText(), 'all', 'web is not isolated');
    await cell('shop/web', 'shop/db').click();
    const answer = page.getByTestId('network-answer');
    assert.match(await answer.innerText(), /allowed/);
    const rule = answer.locator('[data-testid=network-rule]');
    assert.equal(await rule.count(), 1, 'one rule allows it');
    assert.equal(await rule.getAttribute('data-line'), String(NETWORK_RULE_LINE));
    await rule.locator('button').click();
    const ruleLine = await input.evaluate((ta) => ta.value.slice(0, ta.selectionStart).split('\n').length);
    assert.equal(ruleLine, NETWORK_RULE_LINE, 'the editor selects the allowing rule');
    await cell('outside', 'shop/db').click();
    assert.match(await answer.innerText(), /denied[\s\S]*NetworkPolicy\/shop\/db-from-web/);
    await page.screenshot({ path: join(artifacts, 'browser-network.png') });

    step('paste and keystroke to rendered findings, 1,000-line manifest');
    const big = bigManifest(1000);
    await watchRenders(page);
    const pastes = [];
    for (let i = 0; i < 5; i++) {
      await pasteText(page, nthPaste(big, i));
      pastes.push(await waitForRendered(page));
    }
    assert.ok(pastes.every((p) => p.findings > 0), 'findings after every paste');
    const gutter = await page.locator('.gutter').evaluate((g) => ({
      elements: g.childElementCount,
      last: g.textContent.trimEnd().split('\n').pop(),
    }));
    assert.equal(gutter.last, '1000', 'the gutter numbers every line');
    assert.ok(gutter.elements < 1000 / 2, `the gutter is not an element per line (${gutter.elements})`);
    const lastMarked = Number(await page.locator('.gutter .ln[class*="mark-"]').last().getAttribute('data-line'));
    await input.evaluate((ta) => { ta.scrollTop = ta.scrollHeight; ta.dispatchEvent(new Event('scroll')); });
    assert.ok(await gutterLineAligned(page, lastMarked), `the gutter's line ${lastMarked} sits beside it, scrolled`);
    const samples = [];
    for (let i = 0; i < 7; i++) {
      await input.evaluate((ta) => {
        ta.focus();
        ta.setSelectionRange(ta.value.length, ta.value.length);
        window.__rendered = undefined;
      });
      before = await generation(page);
      await page.keyboard.press(i % 2 ? 'Backspace' : 'x');
      await waitForCheck(page, before);
      const { ms } = await waitForRendered(page);
      samples.push({ ms, checkMs: Number(await page.getByTestId('summary').getAttribute('data-check-ms')) });
    }
    const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ms = (xs) => `${median(xs).toFixed(1)} ms`;
    console.log(
      `browser: PERF 1000 lines, ${pastes[0].findings} findings shown: paste to rendered findings median ` +
        `${ms(pastes.map((p) => p.ms))} (${ms(pastes.map((p) => p.fromInput))} from the input event); ` +
        `keystroke to rendered findings median ${ms(samples.map((s) => s.ms))} (includes the 120 ms typing pause), ` +
        `check alone median ${ms(samples.map((s) => s.checkMs))}`,
    );

    step('a long list stops at "show more", which shows the rest');
    const total = Number(await page.getByTestId('summary').getAttribute('data-findings'));
    assert.ok((await page.getByTestId('finding').count()) < total, 'the list stops before its end');
    await page.getByTestId('show-more').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=finding]').length === n, total);
    assert.equal(await page.getByTestId('show-more').count(), 0, 'no button once all are shown');

    step('screenshots');
    await page.goto(url);
    await page.waitForSelector('[data-testid=finding]');
    await page.locator('[data-testid=finding][data-rule=privileged-container] .goto').first().click();
    await page.screenshot({ path: join(artifacts, 'browser-desktop.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: /theme/i }).click(); // system → light
    await page.getByRole('button', { name: /theme/i }).click(); // light → dark
    await page.screenshot({ path: join(artifacts, 'browser-phone-dark.png') });
    await page.getByRole('button', { name: /theme/i }).click(); // back to system

    step('offline: once opened, the page works with the network gone');
    await page.setViewportSize({ width: 1360, height: 900 });
    const worker = readFileSync(join(root, 'dist/web/service-worker.js'), 'utf8');
    const version = worker.match(/const VERSION = '([0-9a-f]+)'/)[1];
    const built = readdirSync(join(root, 'dist/web')).filter((f) => f !== 'service-worker.js');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const stored = await page.evaluate(async (cache) => (await (await caches.open(cache)).keys())
      .map((r) => new URL(r.url).pathname.slice(1)), `kubecheck-${version}`);
    assert.deepEqual(stored.filter((f) => f !== '').sort(), built.sort(), 'the cache holds exactly the built files');
    await context.setOffline(true);
    // In a page of its own: the failed load is a console error there.
    const probe = await context.newPage();
    const healthz = await probe.goto(`${url}healthz`).then(() => 'reached', () => 'unreachable');
    await probe.close();
    assert.equal(healthz, 'unreachable', 'the server is out of reach');
    await page.reload();
    await input.waitFor();
    await pasteText(page, PRIVILEGED_POD);
    await finding.waitFor();
    assert.equal(await finding.getAttribute('data-line'), String(PRIVILEGED_LINE));
    await context.setOffline(false);

    step('no request left the page');
    const outside = requests.filter((r) => !r.startsWith(`${origin}/`) && !r.startsWith('blob:') && !r.startsWith('data:'));
    assert.deepEqual(outside, [], 'requests to other origins');
    assert.ok(requests.some((r) => r.endsWith('.wasm')), 'the page loaded its wasm from its origin');
    assert.deepEqual(problems, [], 'console errors or CSP violations');
    console.log(`browser: ok (${requests.length} requests, all to ${origin})`);
  } finally {
    await close();
    server.kill();
  }
}

main().catch((error) => {
  console.error(`browser: FAILED: ${error.stack ?? error}`);
  process.exit(1);
});
