// Timings of the web app in the system's headless Chromium (playwright-core from tools/):
// paste -> findings on screen at 100 and 1,000 lines, and how long typing in a 1,000-line
// document is blocked. Run by scripts/bench-web.sh against dist/web served by
// `kubecheck serve`; prints one line per measurement and asserts only behaviour (the
// findings appear). The input generator and the paste path are shared with app.test.mjs.

import assert from 'node:assert/strict';
import { bigManifest, launch, pasteText, startServer, waitForRendered, watchRenders } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/// Milliseconds from the paste keystroke, and from the input event that follows it, to the
/// frame after the new findings rendered.
async function pasteTimings(page, lines) {
  const text = bigManifest(lines);
  const samples = [];
  const fromInputs = [];
  const checks = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate two texts, so every paste changes the text.
    await pasteText(page, i % 2 ? `${text}\n` : text);
    const { ms, fromInput, findings } = await waitForRendered(page);
    assert.ok(findings > 0, `findings after pasting ${lines} lines`);
    samples.push(ms);
    fromInputs.push(fromInput);
    checks.push(Number(await page.getByTestId('summary').getAttribute('data-check-ms')));
  }
  return { samples, fromInputs, checks };
}

/// Types into the end of a 1,000-line document in bursts with pauses (so checks run while
/// the user keeps typing) and returns the longest long task (PerformanceObserver
/// `longtask`, 50 ms and over) and the longest keystroke from event to next paint
/// (Event Timing, 16 ms and over).
async function typingTimings(page) {
  await pasteText(page, bigManifest(1000));
  await waitForRendered(page);
  await page.evaluate(() => {
    window.__longtasks = [];
    window.__events = [];
    new PerformanceObserver((list) => window.__longtasks.push(...list.getEntries().map((e) => e.duration)))
      .observe({ type: 'longtask' });
    new PerformanceObserver((list) => window.__events.push(
      ...list.getEntries().filter((e) => ['keydown', 'keypress', 'keyup', 'input', 'beforeinput'].includes(e.name))
        .map((e) => e.duration),
    )).observe({ type: 'event', durationThreshold: 16 });
    const ta = document.querySelector('[data-testid=manifest-input]');
    ta.focus();
    ta.setSelectionRange(ta.value.length, ta.value.length);
  });
  const keystrokes = 40;
  for (let burst = 0; burst < keystrokes / 4; burst++) {
    await page.keyboard.type('abc ', { delay: 60 });
    await page.waitForTimeout(150 + (burst % 3) * 100);
  }
  await page.waitForSelector('[data-testid=summary][data-pending=false]');
  await page.waitForTimeout(300); // the last check's long task, if any, is reported
  const [longtasks, events, value] = await page.evaluate(() => [
    window.__longtasks,
    window.__events,
    document.querySelector('[data-testid=manifest-input]').value,
  ]);
  assert.ok(value.endsWith('abc abc '), 'the typed text is in the editor');
  return { keystrokes, longtasks, events };
}

async function main() {
  const { server, url } = await startServer();
  const { context, close } = await launch();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await page.waitForSelector('[data-testid=finding]');
    await watchRenders(page);
    for (const lines of [100, 1000]) {
      const { samples, fromInputs, checks } = await pasteTimings(page, lines);
      const findings = await page.locator('[data-testid=summary]').getAttribute('data-findings');
      console.log(
        `bench-web: paste ${lines} lines (${findings} findings) -> findings on screen: ` +
          `median ${median(samples).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms ` +
          `(${samples.map((s) => s.toFixed(0)).join(' ')}); from the input event (the browser has put the text in) ` +
          `median ${median(fromInputs).toFixed(1)} ms; parse and check alone median ${median(checks).toFixed(1)} ms`,
      );
    }
    const { keystrokes, longtasks, events } = await typingTimings(page);
    const longest = (xs) => (xs.length ? Math.max(...xs).toFixed(0) : '0');
    console.log(
      `bench-web: typing ${keystrokes} keys in 1000 lines: longest long task ${longest(longtasks)} ms ` +
        `(${longtasks.length} long tasks >= 50 ms), longest keystroke event to paint ${longest(events)} ms ` +
        `(${events.length} events >= 16 ms)`,
    );
  } finally {
    await close();
    server.kill();
  }
}

main().catch((error) => {
  console.error(`bench-web: FAILED: ${error.stack ?? error}`);
  process.exit(1);
});
