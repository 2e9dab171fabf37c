// Summarises web/e2e/bench.mjs results as a Markdown table, one row per
// build. Files are named bench-BUILD-ROUND.json (bench/explorer/run.sh).
//
// Usage: node bench/explorer/summary.mjs bench-*.json

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/explorer/summary.mjs bench-BUILD-ROUND.json...');
  process.exit(2);
}
const byBuild = new Map();
for (const f of files) {
  const m = basename(f).match(/^bench-(.+)-(\d+)\.json$/);
  const build = m ? m[1] : basename(f);
  if (!byBuild.has(build)) byBuild.set(build, []);
  byBuild.get(build).push(JSON.parse(readFileSync(f, 'utf8')));
}

const median = (a) => {
  const s = a.filter((v) => v !== null && v !== undefined).sort((p, q) => p - q);
  if (s.length === 0) return '–';
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const list = (a) => a.map((v) => (v === null || v === undefined ? '–' : v)).join(', ');
const sec = (ms) => (typeof ms === 'number' ? (ms / 1000).toFixed(2) : ms);
const mb = (b) => (b / 1e6).toFixed(1);

const rows = [];
rows.push('| build | runs | first render, warm (s): median [all] | cold (s) | points fetched / drawn, warm median (s) | full render at load (s) | pan p50 / p95 frame (ms), fps | zoom p50 / p95 frame (ms), fps | full render after motion (s) | map payloads (MB) | load average (1 min) |');
rows.push('|---|---|---|---|---|---|---|---|---|---|---|');
for (const [build, rs] of byBuild) {
  const warm = rs.flatMap((r) => r.warm ?? []);
  const firsts = warm.map((w) => w.first_render_ms);
  const renders = warm.flatMap((w) => (w.full_renders_ms ?? []).slice(0, 1));
  const pan = rs.map((r) => r.pan), zoom = rs.map((r) => r.zoom);
  const bytes = rs[0].api_bytes ?? {};
  const loads = rs.flatMap((r) => [r.load_average_before?.[0], r.load_average_after?.[0]]).filter((v) => v !== undefined);
  rows.push(`| ${build} | ${rs.length} | ${sec(median(firsts))} [${list(firsts.map(sec))}] | ${list(rs.map((r) => sec(r.cold.first_render_ms)))}` +
    ` | ${sec(median(warm.map((w) => w.points)))} / ${sec(median(warm.map((w) => w.drawn)))}` +
    ` | ${renders.length ? sec(median(renders)) : '–'}` +
    ` | ${list(pan.map((p) => `${p.median_frame_ms} / ${p.p95_frame_ms}, ${p.fps}`))}` +
    ` | ${list(zoom.map((p) => (p ? `${p.median_frame_ms} / ${p.p95_frame_ms}, ${p.fps}` : '–')))}` +
    ` | ${list([...pan, ...zoom].map((p) => (p?.settle_ms ? sec(p.settle_ms) : null)))}` +
    ` | ${['/api/points', '/api/labels', '/api/points/index'].filter((p) => bytes[p]).map((p) => `${p.slice(5)} ${mb(bytes[p])}`).join(' + ')}` +
    ` | ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} |`);
}
console.log(rows.join('\n'));
