// Benchmark of the explorer in headless Chromium (software WebGL).
//
// Usage: node e2e/bench.mjs PATH_TO_MOTIF PROJECT
// Make a synthetic 1,000,000-point PROJECT first with
//   go test ./internal/server -run NONE -args -synthetic PROJECT -synthetic-n 1000000
// Environment: CHROMIUM (default /usr/bin/chromium), BENCH_OUT (a JSON file
// for the results; default: printed only), E2E_SCREENSHOTS (a screenshot).
//
// It measures the time from navigation to the first full render of the
// map, the size of the API responses the page loads, and the frame times
// while panning (requestAnimationFrame intervals during a mouse drag).
// Targets (issue "The explorer"): first render ≤ 3 s on loopback, pan at
// ≥ 30 frames per second.

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [motifArg, projectArg] = process.argv.slice(2);
if (!motifArg || !projectArg) {
  console.error('usage: node e2e/bench.mjs PATH_TO_MOTIF PROJECT');
  process.exit(2);
}
const motif = resolve(motifArg);
const project = resolve(projectArg);
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

const { url, proc } = await serve();
const ctx = await chromium.launchPersistentContext(join(work, 'chrome'), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--enable-unsafe-swiftshader'],
  viewport: { width: 1400, height: 900 },
});
const result = {};
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
  // First load warms the server's caches (Parquet reads); the second is
  // what an analyst sees on every reload.
  for (const pass of ['cold', 'warm']) {
    await page.goto(url);
    await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
    // One more frame after the draw call: the map is on screen.
    const ms = await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() =>
      ok(performance.now())))));
    result[`first_render_ms_${pass}`] = Math.round(ms);
    result[`marks_ms_${pass}`] = await page.evaluate(() => Object.fromEntries(
      performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)])));
  }
  result.status = await page.textContent('#status');
  result.api_bytes = sizes;
  result.errors = errors;

  // Pan: drag across the map while recording frame intervals, once the
  // page has settled.
  await page.waitForTimeout(2000);
  const box = await page.locator('#map').boundingBox();
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  const start = Date.now();
  let i = 0;
  while (Date.now() - start < 4000) {
    const a = (i++ / 30) * Math.PI;
    await page.mouse.move(cx + 200 * Math.cos(a), cy + 150 * Math.sin(a));
  }
  await page.mouse.up();
  const frames = await page.evaluate(() => { window.__stop = true; return window.__frames.slice(1); });
  frames.sort((a, b) => a - b);
  const mean = frames.reduce((s, f) => s + f, 0) / frames.length;
  result.pan = {
    frames: frames.length,
    mean_frame_ms: +mean.toFixed(1),
    median_frame_ms: +frames[Math.floor(0.5 * (frames.length - 1))].toFixed(1),
    p95_frame_ms: +frames[Math.floor(0.95 * (frames.length - 1))].toFixed(1),
    max_frame_ms: +frames[frames.length - 1].toFixed(1),
    fps: +(1000 / mean).toFixed(1),
  };
  if (process.env.E2E_SCREENSHOTS) {
    mkdirSync(process.env.E2E_SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(process.env.E2E_SCREENSHOTS, 'bench-map.png') });
  }
} finally {
  await ctx.close();
  proc.kill('SIGINT');
}
console.log(JSON.stringify(result, null, 2));
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(result, null, 2) + '\n');
