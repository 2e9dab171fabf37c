// Profiles the explorer's page load and a pan in headless Chromium with the
// CDP sampling profiler, and prints the functions that took the most time.
//
// Usage: node e2e/profile.mjs PATH_TO_MOTIF PROJECT [OUT.cpuprofile]
// The profile file opens in Chromium's DevTools (Performance panel).

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [motifArg, projectArg, outArg] = process.argv.slice(2);
if (!motifArg || !projectArg) {
  console.error('usage: node e2e/profile.mjs PATH_TO_MOTIF PROJECT [OUT.cpuprofile]');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'motif-profile-'));
const proc = spawn(resolve(motifArg), ['serve', '--project', resolve(projectArg), '--addr', '127.0.0.1:0', '--quiet'],
  { stdio: ['ignore', 'pipe', 'pipe'] });
const url = await new Promise((ok, fail) => {
  let out = '';
  proc.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/(http:\/\/127\.0\.0\.1:\d+\/)/);
    if (m) ok(m[1]);
  });
  proc.on('exit', (code) => fail(new Error(`motif serve exited with ${code}: ${out}`)));
});
const ctx = await chromium.launchPersistentContext(join(work, 'chrome'), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--enable-unsafe-swiftshader'],
  viewport: { width: 1400, height: 900 },
});
try {
  const page = await ctx.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  await page.reload();
  await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  const marks = await page.evaluate(() => Object.fromEntries(
    performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)])));
  const box = await page.locator('#map').boundingBox();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  if (process.env.PROFILE_PAN) {
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 0; i < 60; i++) await page.mouse.move(cx + 200 * Math.cos(i / 10), cy + 150 * Math.sin(i / 10));
    await page.mouse.up();
  }
  const { profile } = await cdp.send('Profiler.stop');
  if (outArg) writeFileSync(outArg, JSON.stringify(profile));
  // Self time per function, and total time per function (inclusive).
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map(), total = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const ms = (dt[i + 1] ?? 0) / 1000;
    const n = byId.get(id);
    const name = (f) => `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}`;
    self.set(name(n.callFrame), (self.get(name(n.callFrame)) ?? 0) + ms);
    const seen = new Set();
    for (let p = id; p !== undefined; p = parent.get(p)) {
      const k = name(byId.get(p).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + ms);
    }
  });
  const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(0).padStart(7)} ms  ${k}`).join('\n');
  console.log('marks', JSON.stringify(marks));
  console.log('--- self\n' + top(self));
  console.log('--- total\n' + top(total));
} finally {
  await ctx.close();
  proc.kill('SIGINT');
}
