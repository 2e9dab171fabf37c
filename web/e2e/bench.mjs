// Benchmark of the explorer in headless Chromium (software WebGL).
//
// Usage: node e2e/bench.mjs PATH_TO_MOTIF PROJECT
// Make a synthetic 1,000,000-point PROJECT first with
//   go test ./internal/server -run NONE -args -synthetic PROJECT -synthetic-n 1000000
// or run bench/explorer/run.sh, which does everything.
// Environment: CHROMIUM (default /usr/bin/chromium), BENCH_OUT (a JSON file
// for the results; default: printed only), BENCH_LOADS (page loads after the
// first, cold one; default 5), E2E_SCREENSHOTS (a screenshot).
//
// It measures, per page load, the time from navigation to the first full
// render of the map (the page says it is ready and one more frame has been
// drawn), with the page's own marks on the way; the size of the API
// responses; and the frame times (requestAnimationFrame intervals) while
// panning with the mouse and while zooming with the wheel, with the full
// renders of every point that happened meanwhile and the time the map takes
// to show every point again once the motion stops.
// Targets (issue "The explorer"): first render ≤ 3 s on loopback, pan and
// zoom at ≥ 30 frames per second.

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [motifArg, projectArg] = process.argv.slice(2);
if (!motifArg || !projectArg) {
  console.error('usage: node e2e/bench.mjs PATH_TO_MOTIF PROJECT');
  process.exit(2);
}
const motif = resolve(motifArg);
const project = resolve(projectArg);
const loads = Number(process.env.BENCH_LOADS ?? 5);
const work = mkdtempSync(join(tmpdir(), 'motif-bench-'));

function serve() {
  return new Promise((ok, fail) => {
    const p = spawn(motif, ['serve', '--project', project, '--addr', '127.0.0.1:0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stderr.on('data', (d) => { out += d; });
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/(http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) ok({ url: m[1], proc: p });
    });
    p.on('exit', (code) => fail(new Error(`motif serve exited with ${code}: ${out}`)));
  });
}

const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};
const pct = (s, p) => +s[Math.floor(p * (s.length - 1))].toFixed(1);
const round = (v) => Math.round(v);

/** frameStats summarises frame intervals (ms). */
function frameStats(frames) {
  const s = [...frames].sort((a, b) => a - b);
  const mean = s.reduce((t, f) => t + f, 0) / s.length;
  return {
    frames: s.length,
    mean_frame_ms: +mean.toFixed(1),
    median_frame_ms: pct(s, 0.5),
    p95_frame_ms: pct(s, 0.95),
    max_frame_ms: +s[s.length - 1].toFixed(1),
    fps: +(1000 / mean).toFixed(1),
  };
}

const { url, proc } = await serve();
const ctx = await chromium.launchPersistentContext(join(work, 'chrome'), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--enable-unsafe-swiftshader'],
  viewport: { width: 1400, height: 900 },
});
const result = { load_average_before: loadavg().map((l) => +l.toFixed(2)) };
try {
  const page = await ctx.newPage();
  const sizes = {};
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('response', async (r) => {
    const u = new URL(r.url());
    if (!u.pathname.startsWith('/api/')) return;
    try { sizes[u.pathname] = (await r.body()).length; } catch { /* redirects have no body */ }
  });
  // The first load warms the server's caches (Parquet reads, payloads);
  // the others are what an analyst sees on every reload.
  const runs = [];
  for (let i = 0; i <= loads; i++) {
    await page.goto(url);
    await page.waitForSelector('body[data-ready]', { timeout: 180_000 });
    // One more frame after the page is ready: the map is on screen.
    const ms = await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() =>
      ok(performance.now())))));
    const marks = await page.evaluate(() => Object.fromEntries(
      performance.getEntriesByType('mark').map((m) => [m.name.replace('motif:', ''), Math.round(m.startTime)])));
    const renders = await page.evaluate(() => performance.getEntriesByName('motif:render').map((m) => Math.round(m.duration)));
    // When each API response started and finished arriving (ms after navigation).
    const api = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.startsWith('/api/'))
      .map((e) => [new URL(e.name).pathname, [Math.round(e.startTime), Math.round(e.responseStart), Math.round(e.responseEnd)]])));
    runs.push({ first_render_ms: round(ms), ...marks, full_renders_ms: renders, api_ms: api });
  }
  result.cold = runs[0];
  result.warm = runs.slice(1);
  result.first_render_ms_cold = runs[0].first_render_ms;
  result.first_render_ms_warm_median = median(result.warm.map((r) => r.first_render_ms));
  result.first_render_ms_warm_all = result.warm.map((r) => r.first_render_ms);
  result.index = await page.evaluate(() => document.body.dataset.index ?? 'browser');
  result.status = await page.textContent('#status');
  result.api_bytes = sizes;
  result.errors = errors;

  await page.waitForTimeout(1500);
  const box = await page.locator('#map').boundingBox();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;

  // startFrames records requestAnimationFrame intervals and the full
  // renders from now on; stopFrames returns them.
  const startFrames = () => page.evaluate(() => {
    window.__bench = { frames: [], stop: false, from: performance.now() };
    let last = performance.now();
    const tick = (t) => {
      window.__bench.frames.push(t - last);
      last = t;
      if (!window.__bench.stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const stopFrames = () => page.evaluate(() => {
    window.__bench.stop = true;
    const b = window.__bench;
    const renders = performance.getEntriesByName('motif:render').filter((m) => m.startTime >= b.from);
    return { frames: b.frames.slice(1), renders: renders.map((m) => Math.round(m.duration)), end: performance.now() };
  });
  // settle waits until the map has shown every point again after a
  // motion that ended at `end` (page clock), and returns how long it took.
  const settle = (end) => page.evaluate((end) => new Promise((ok) => {
    const t0 = performance.now();
    const poll = () => {
      const r = performance.getEntriesByName('motif:render').filter((m) => m.startTime >= end);
      if (r.length) ok(Math.round(r[0].startTime + r[0].duration - end));
      else if (performance.now() - t0 > 20_000) ok(null);
      else setTimeout(poll, 20);
    };
    poll();
  }), end);

  // Pan: drag in circles across the map for 4 s.
  await startFrames();
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  let start = Date.now();
  let i = 0;
  while (Date.now() - start < 4000) {
    const a = (i++ / 30) * Math.PI;
    await page.mouse.move(cx + 200 * Math.cos(a), cy + 150 * Math.sin(a));
  }
  await page.mouse.up();
  let f = await stopFrames();
  result.pan = { ...frameStats(f.frames), mouse_moves: i, full_renders_ms: f.renders, settle_ms: await settle(f.end) };

  // Zoom: wheel in and out over the map for 4 s.
  await page.waitForTimeout(1000);
  await startFrames();
  start = Date.now();
  i = 0;
  while (Date.now() - start < 4000) {
    await page.mouse.wheel(0, (Math.floor(i++ / 20) % 2 ? 1 : -1) * 40);
  }
  f = await stopFrames();
  result.zoom = { ...frameStats(f.frames), wheel_events: i, full_renders_ms: f.renders, settle_ms: await settle(f.end) };

  if (process.env.E2E_SCREENSHOTS) {
    mkdirSync(process.env.E2E_SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(process.env.E2E_SCREENSHOTS, 'bench-map.png') });
  }
} finally {
  await ctx.close();
  proc.kill('SIGINT');
  rmSync(work, { recursive: true, force: true });
}
result.load_average_after = loadavg().map((l) => +l.toFixed(2));
console.log(JSON.stringify(result, null, 2));
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(result, null, 2) + '\n');
