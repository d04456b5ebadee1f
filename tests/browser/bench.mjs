// Timings of the web app in the system's headless Chromium (playwright-core from tools/):
// paste -> findings on screen at 100 and 1,000 lines, and how long typing in a 1,000-line
// document is blocked. Run by scripts/bench-web.sh against dist/web served by
// `kubecheck serve`; prints one line per measurement and asserts only behaviour (the
// findings appear). The input generator and the paste path are shared with app.test.mjs.

import assert from 'node:assert/strict';
import {
  bigManifest, launch, nthPaste, pasteText, startServer, waitForRendered, watchRenders,
} from './lib.mjs';

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
    await pasteText(page, nthPaste(text, i));
    const { ms, fromInput, findings } = await waitForRendered(page);
    assert.ok(findings > 0, `findings after pasting ${lines} lines`);
    samples.push(ms);
    fromInputs.push(fromInput);
    checks.push(Number(await page.getByTestId('summary').getAttribute('data-check-ms')));
  }
  return { samples, fromInputs, checks };
}

/// The page's main-thread tasks while `action` runs, from a Chromium trace (`RunTask`
/// events on the renderer's main thread): each one's duration in ms (the longest is how
/// long input could have waited) and how much of it ran the page's script (outermost
/// `FunctionCall`s: JavaScript and wasm; the rest is the browser's own work, such as
/// inserting a keystroke into the textarea, layout and paint).
async function mainThreadTasks(page, action) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,disabled-by-default-devtools.timeline,__metadata', transferMode: 'ReturnAsStream' });
  await action();
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  const { stream } = await done;
  let json = '';
  for (;;) {
    const { data, base64Encoded, eof } = await cdp.send('IO.read', { handle: stream });
    json += base64Encoded ? Buffer.from(data, 'base64').toString() : data;
    if (eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  await cdp.detach();
  const events = JSON.parse(json).traceEvents ?? [];
  const thread = (e) => `${e.pid}:${e.tid}`;
  const mainThreads = new Set(events
    .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .map(thread));
  const onMain = events.filter((e) => e.ph === 'X' && mainThreads.has(thread(e)));
  const calls = onMain.filter((e) => e.name === 'FunctionCall');
  const within = (inner, outer) => inner !== outer && thread(inner) === thread(outer)
    && inner.ts >= outer.ts && inner.ts + inner.dur <= outer.ts + outer.dur;
  const outermost = calls.filter((c) => !calls.some((o) => within(c, o)));
  return onMain.filter((e) => e.name === 'RunTask').map((task) => ({
    ms: task.dur / 1000,
    scriptMs: outermost.filter((c) => within(c, task)).reduce((sum, c) => sum + c.dur / 1000, 0),
  }));
}

/// Types into the end of a 1,000-line document in bursts with pauses (so checks run while
/// the user keeps typing) and returns the page's main-thread tasks meanwhile (the longest
/// is the longest that input could wait) and the longest keystroke from event to next
/// paint (Event Timing, 16 ms and over).
async function typingTimings(page) {
  await pasteText(page, bigManifest(1000));
  await waitForRendered(page);
  await page.evaluate(() => {
    window.__events = [];
    new PerformanceObserver((list) => window.__events.push(
      ...list.getEntries().filter((e) => ['keydown', 'keypress', 'keyup', 'input', 'beforeinput'].includes(e.name))
        .map((e) => e.duration),
    )).observe({ type: 'event', durationThreshold: 16 });
    const ta = document.querySelector('[data-testid=manifest-input]');
    ta.focus();
    ta.setSelectionRange(ta.value.length, ta.value.length);
  });
  const keystrokes = 40;
  const tasks = await mainThreadTasks(page, async () => {
    for (let burst = 0; burst < keystrokes / 4; burst++) {
      await page.keyboard.type('abc ', { delay: 60 });
      await page.waitForTimeout(150 + (burst % 3) * 100);
    }
    await page.waitForSelector('[data-testid=summary][data-pending=false]');
  });
  const [events, value] = await page.evaluate(() => [
    window.__events,
    document.querySelector('[data-testid=manifest-input]').value,
  ]);
  assert.ok(value.endsWith('abc abc '), 'the typed text is in the editor');
  assert.ok(tasks.length > 0, 'the trace saw the page\'s main thread');
  return { keystrokes, tasks, events };
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
    const { keystrokes, tasks, events } = await typingTimings(page);
    const longest = (xs) => (xs.length ? Math.max(...xs).toFixed(1) : '0');
    const top = (xs) => xs.slice().sort((a, b) => b - a).slice(0, 5).map((t) => t.toFixed(1)).join(', ');
    const durations = tasks.map((t) => t.ms);
    const scripts = tasks.map((t) => t.scriptMs);
    console.log(
      `bench-web: typing ${keystrokes} keys in 1000 lines: longest main-thread tasks ${top(durations)} ms ` +
        `(${durations.filter((t) => t > 16).length} of ${tasks.length} over 16 ms); ` +
        `the page's script in one task at most ${top(scripts)} ms (${scripts.filter((t) => t > 16).length} over 16 ms); ` +
        `longest keystroke event to paint ${longest(events)} ms (${events.length} events >= 16 ms)`,
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
