// End-to-end test of `motif serve` in headless Chromium.
//
// Usage: node e2e/e2e.mjs PATH_TO_MOTIF
// Environment: CHROMIUM (default /usr/bin/chromium), E2E_SCREENSHOTS (where
// screenshots go; default: a temporary directory, printed at the end).
//
// It builds a small project with the motif binary (300 generated images in
// three colour families, one caption an XSS payload), serves it on
// 127.0.0.1, and checks in a real browser: the map renders coloured points,
// hovering shows a thumbnail, clicking opens the right item, renaming a
// cluster persists across a reload, search highlights, lasso selection
// exports CSV, and the payload renders as inert text.

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const motif = resolve(process.argv[2] ?? '');
if (!process.argv[2]) {
  console.error('usage: node e2e/e2e.mjs PATH_TO_MOTIF');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'motif-e2e-'));
const shots = resolve(process.env.E2E_SCREENSHOTS || join(work, 'screenshots'));
mkdirSync(shots, { recursive: true });

const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> xss-marker';
let failures = 0;
let serverProc = null;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

// ---- a tiny PNG encoder, for the generated images ----
const crcTable = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(w, h, pixel) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) raw.set(pixel(x, y), y * (w * 3 + 1) + 1 + x * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// ---- the project ----

// motifRun runs a motif subcommand on the project and waits for it.
function motifRun(project, ...args) {
  return new Promise((ok, fail) => {
    const p = spawn(motif, [...args, '--project', project, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`motif ${args[0]} exited with ${code}: ${err}`))));
  });
}

// makeProject builds the project the way an analyst would: posts with image
// URLs are ingested and their images fetched (from a local server), then the
// embeddings of the same images are imported, mapped, swept and clustered.
// The images' content keys join posts to rows.
async function makeProject() {
  const src = join(work, 'src');
  const imgs = join(src, 'images');
  mkdirSync(imgs, { recursive: true });
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const families = [[200, 40, 40], [40, 160, 60], [40, 70, 200]];
  const lines = [];
  const captions = {};
  for (let i = 0; i < 300; i++) {
    const f = i % 3;
    const emb = Array.from({ length: 16 }, (_, j) => (j === f ? 1 : 0) + (rand() - 0.5) * 0.2);
    const name = `img${String(i).padStart(3, '0')}.png`;
    const base = families[f];
    writeFileSync(join(imgs, name), png(24, 24, (x, y) => [
      (base[0] + i) & 255, (base[1] + x * 4) & 255, (base[2] + y * 4) & 255]));
    const caption = i === 5 ? XSS : `family ${f} picture ${i}`;
    captions[name] = caption;
    lines.push(JSON.stringify({ filename: name, caption, embedding: emb }));
  }
  writeFileSync(join(src, 'e2e.jsonl'), lines.join('\n') + '\n');

  const files = createServer((req, res) => {
    const m = req.url.match(/^\/(img\d{3}\.png)$/);
    if (!m || !existsSync(join(imgs, m[1]))) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'image/png' }).end(readFileSync(join(imgs, m[1])));
  });
  await new Promise((ok) => files.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${files.address().port}`;
  const posts = [['id', 'text', 'author', 'created_at', 'media_url']];
  const postText = {};
  for (let i = 0; i < 30; i++) {
    const name = `img${String(i).padStart(3, '0')}.png`;
    const text = i === 5 ? XSS : `post number ${i} shows ${name}`;
    posts.push([`p${i}`, text, `author${i}`, `2024-03-${String(1 + (i % 28)).padStart(2, '0')}T12:00:00Z`, `${base}/${name}`]);
    postText[name] = [text];
  }
  posts.push(['p100', 'a second post with the first picture', 'someone', '2024-04-01T08:00:00Z', `${base}/img000.png`]);
  postText['img000.png'].push('a second post with the first picture');
  const csv = posts.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\n') + '\n';
  writeFileSync(join(src, 'posts.csv'), csv);

  const project = join(work, 'project');
  await motifRun(project, 'ingest', join(src, 'posts.csv'));
  await motifRun(project, 'fetch', '--allow-private');
  files.close();
  await motifRun(project, 'import', join(src, 'e2e.jsonl'), '--images', imgs, '--name', 'e2e');
  await motifRun(project, 'map', '--neighbors', '15', '--seed', '1');
  await motifRun(project, 'sweep', '--min-cluster-size', '10,20,40', '--min-samples', '5');
  await motifRun(project, 'cluster', '--min-cluster-size', '40', '--min-samples', '5');
  await motifRun(project, 'cluster', '--min-cluster-size', '20', '--min-samples', '5');
  return { project, captions, postText };
}

function serve(project) {
  return new Promise((resolveURL, reject) => {
    const p = spawn(motif, ['serve', '--project', project, '--addr', '127.0.0.1:0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    serverProc = p;
    let out = '';
    p.stderr.on('data', (d) => { out += d; });
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/(http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolveURL({ url: m[1], proc: p });
    });
    p.on('exit', (code) => reject(new Error(`motif serve exited with ${code}: ${out}`)));
  });
}

// colouredPixels finds the canvas pixels that are neither background nor
// grey, from a PNG screenshot decoded by the browser itself.
async function colouredPixels(page, locator) {
  const b64 = (await locator.screenshot()).toString('base64');
  return page.evaluate(async (data) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    const hits = [];
    let count = 0, ink = 0, sx = 0, sy = 0;
    for (let i = 0; i < px.length; i += 4) {
      const [r, gg, b] = [px[i], px[i + 1], px[i + 2]];
      if (Math.min(r, gg, b) < 235) ink++;
      if (Math.max(r, gg, b) - Math.min(r, gg, b) > 60) {
        count++;
        sx += (i / 4) % c.width;
        sy += Math.floor(i / 4 / c.width);
        if (count % 7 === 0) hits.push([(i / 4) % c.width, Math.floor(i / 4 / c.width)]);
      }
    }
    return { count, ink, hits, width: c.width, height: c.height, centre: [sx / count, sy / count] };
  }, b64);
}

async function main() {
  const { project, captions, postText } = await makeProject();
  const { url, proc } = await serve(project);
  console.log(`serving ${url}`);
  // A fresh profile directory for every run.
  const ctx = await chromium.launchPersistentContext(join(work, 'chrome'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--enable-unsafe-swiftshader'],
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
  });
  try {
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(url);
    await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
    check(await page.getAttribute('body', 'data-ready') === '1' && (await page.textContent('#status')).includes('cluster run 4'), `page ready with the newest clustering (${await page.textContent('#status')})`);
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(shots, 'map.png') });

    // Pixel test: the canvas shows coloured points.
    const canvas = page.locator('#map');
    const px = await colouredPixels(page, canvas);
    check(px.count > 200, `canvas shows coloured points (${px.count} coloured pixels of ${px.width}×${px.height})`);
    check(await page.getAttribute('body', 'data-index') === 'server', `the map uses the server's spatial index (${await page.getAttribute('body', 'data-index')})`);

    // Pan: the points follow the pointer while the button is held (a
    // moved copy of the last full render where full renders are slow)
    // and after the release (a full render), then Fit brings them back.
    // Points move by the pointer's offset: their centre of mass does.
    {
      // Start left of the points (the map is wider than tall), so that no
      // hover tooltip covers the canvas, and move them by (100, 10): they
      // stay inside it.
      const b = await canvas.boundingBox();
      const x0 = b.x + 30, y0 = b.y + b.height / 2;
      await page.mouse.move(x0, y0);
      await page.mouse.down();
      for (let i = 1; i <= 10; i++) await page.mouse.move(x0 + 10 * i, y0 + i);
      await page.waitForTimeout(400);
      const held = await colouredPixels(page, canvas);
      await page.mouse.up();
      await page.waitForTimeout(800);
      const after = await colouredPixels(page, canvas);
      const shift = (p) => [p.centre[0] - px.centre[0], p.centre[1] - px.centre[1]];
      const near = (p) => Math.abs(shift(p)[0] - 100) < 3 && Math.abs(shift(p)[1] - 10) < 3;
      const fmtShift = (p) => shift(p).map((v) => v.toFixed(1)).join(', ');
      const renders = await page.evaluate(() => performance.getEntriesByName('motif:render').map((m) => Math.round(m.duration)));
      check(near(held) && near(after) && after.count > 200,
        `the map pans with the pointer (moved by 100, 10: ${fmtShift(held)} while held, ${fmtShift(after)} after; full renders ${renders.join(' ')} ms)`);
      await page.click('#fit');
      await page.waitForTimeout(1200);
      const back = await colouredPixels(page, canvas);
      check(Math.abs(shift(back)[0]) < 1 && Math.abs(shift(back)[1]) < 1, `Fit brings the map back (${fmtShift(back)})`);
    }

    // Cluster list: three clusters of 100.
    const items = page.locator('#cluster-list li');
    check(await items.count() === 3, `cluster list has 3 clusters (${await items.count()})`);

    // Hover: a thumbnail appears.
    const box = await canvas.boundingBox();
    let hovered = false;
    for (const [x, y] of px.hits.slice(0, 400).filter((_, i) => i % 10 === 0)) {
      await page.mouse.move(box.x + x, box.y + y);
      try {
        await page.waitForSelector('#tooltip:not([hidden]) img[src^="/thumbs/"]', { timeout: 400 });
        hovered = await page.evaluate(() => {
          const img = document.querySelector('#tooltip-img');
          return img.complete && img.naturalWidth > 0;
        }) || await page.waitForFunction(() => document.querySelector('#tooltip-img').naturalWidth > 0, null, { timeout: 2000 }).then(() => true);
      } catch { continue; }
      if (hovered) {
        await page.screenshot({ path: join(shots, 'hover.png') });
        // Click: the panel opens for the hovered row.
        const tip = await page.textContent('#tooltip-text');
        const id = tip.split(' · ')[0];
        await page.mouse.down();
        await page.mouse.up();
        await page.waitForSelector('#panel:not([hidden]) #item-title', { timeout: 5000 });
        const title = await page.textContent('#item-title');
        check(title === id, `click opens the hovered item (${title}, hovered ${id})`);
        const meta = await page.$$eval('#item-metadata tr', (rows) => rows.map((r) => [...r.children].map((td) => td.textContent)));
        const cap = meta.find((r) => r[0] === 'caption');
        check(cap && cap[1] === captions[id], `detail shows the item's caption (${cap && cap[1]})`);
        const shown = await page.$$eval('#item-posts .post-text', (ps) => ps.map((p) => p.textContent));
        check(JSON.stringify(shown) === JSON.stringify(postText[id] ?? []), `detail lists the item's posts (${shown.length})`);
        await page.waitForFunction(() => document.querySelectorAll('#item-neighbours img').length > 0, null, { timeout: 5000 });
        check(await page.locator('#item-neighbours img').count() === 12, 'detail lists 12 neighbours');
        await page.screenshot({ path: join(shots, 'detail.png') });
        break;
      }
    }
    check(hovered, 'hovering a point shows its thumbnail');

    // Search highlights matches, and the XSS payload stays text.
    await page.fill('#search', 'family 1 picture');
    await page.press('#search', 'Enter');
    await page.waitForSelector('#selection:not([hidden])', { timeout: 5000 });
    const count = await page.textContent('#selection-count');
    check(count.startsWith('100 selected'), `search selects the 100 matches (${count})`);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, 'search.png') });

    await page.fill('#search', 'xss-marker');
    await page.press('#search', 'Enter');
    await page.waitForSelector('#item-title:text("img005.png")', { timeout: 5000 });
    const xssCell = await page.$$eval('#item-metadata tr', (rows) => rows.map((r) => [...r.children].map((td) => td.textContent)).find((r) => r[0] === 'caption'));
    check(xssCell && xssCell[1] === XSS, 'the XSS caption is shown as its literal text');
    const xssPost = await page.$$eval('#item-posts .post-text', (ps) => ps.map((p) => p.textContent));
    check(xssPost.length === 1 && xssPost[0] === XSS, 'the XSS post text is shown as its literal text');
    check(await page.locator('#panel img[src="x"], #panel script').count() === 0, 'the XSS caption and post made no element');
    check(await page.evaluate(() => window.__xss === undefined), 'the XSS payload did not run');
    await page.screenshot({ path: join(shots, 'xss.png') });

    // Search finds post text; the detail lists every post of the image.
    await page.fill('#search', 'second post');
    await page.press('#search', 'Enter');
    await page.waitForSelector('#item-title:text("img000.png")', { timeout: 5000 });
    await page.waitForSelector('#item-posts .post-text');
    const img0 = await page.$$eval('#item-posts .post-text', (ps) => ps.map((p) => p.textContent));
    check(JSON.stringify(img0) === JSON.stringify(postText['img000.png']), `post search opens img000.png with both its posts (${JSON.stringify(img0)})`);
    await page.screenshot({ path: join(shots, 'posts.png') });
    await page.click('#search-clear');

    // Rename a cluster; it persists after a reload.
    const name = 'Reds & <b>friends</b>';
    const first = items.first();
    const label = await first.getAttribute('data-label');
    await first.locator('.cluster-rename').click();
    await first.locator('.cluster-name-input').fill(name);
    await first.locator('.cluster-note-input').fill('a note');
    await first.locator('.cluster-edit button').click();
    await page.waitForFunction((n) => [...document.querySelectorAll('#cluster-list .cluster-name')].some((e) => e.textContent === n), name, { timeout: 5000 });
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30_000 });
    const after = await page.locator(`#cluster-list li[data-label="${label}"] .cluster-name`).textContent();
    check(after === name, `renamed cluster persists after reload (${after})`);
    check(await page.locator('#cluster-list b').count() === 0, 'the cluster name made no element');
    await page.screenshot({ path: join(shots, 'clusters.png') });

    // Zoom into a cluster: few points in view, so thumbnails replace dots.
    await page.locator('#cluster-list li .cluster-meta').first().click();
    try {
      await page.waitForFunction(() => document.querySelectorAll('#thumb-layer img').length > 10, null, { timeout: 5000 });
    } catch { /* checked below */ }
    const onMap = await page.locator('#thumb-layer img').count();
    check(onMap > 10, `zoomed in, the map shows thumbnails (${onMap})`);
    await page.screenshot({ path: join(shots, 'zoomed.png') });
    await page.click('#search-clear');
    await page.click('#fit');
    await page.waitForFunction(() => document.querySelectorAll('#thumb-layer img').length === 0, null, { timeout: 5000 });

    // Lasso a region: the selection gallery appears and exports as CSV.
    await page.click('#lasso-toggle');
    const b2 = await canvas.boundingBox();
    const cx = b2.x + b2.width / 2, cy = b2.y + b2.height / 2, r = Math.min(b2.width, b2.height) * 0.45;
    await page.mouse.move(cx + r, cy);
    await page.mouse.down();
    for (let a = 0; a <= 2 * Math.PI + 0.01; a += Math.PI / 24) {
      await page.mouse.move(cx + r * Math.cos(a), cy + r * Math.sin(a), { steps: 2 });
      await page.waitForTimeout(15);
    }
    await page.mouse.up();
    let lassoCount = 0;
    try {
      await page.waitForSelector('#selection:not([hidden])', { timeout: 5000 });
      lassoCount = parseInt((await page.textContent('#selection-count')).replace(/,/g, ''), 10);
    } catch { /* checked below */ }
    check(lassoCount > 1, `lasso selects points (${lassoCount})`);
    if (lassoCount > 1) {
      await page.waitForFunction(() => document.querySelectorAll('#selection-gallery img').length > 0, null, { timeout: 5000 });
      await page.screenshot({ path: join(shots, 'lasso.png') });
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#selection-export')]);
      const csv = readFileSync(await dl.path(), 'utf8').trim().split('\n');
      check(csv[0].startsWith('row,id,image_key,x,y,cluster,cluster_name,'), `export has the CSV header (${csv[0]})`);
      check(csv.length - 1 === lassoCount, `export has one row per selected point (${csv.length - 1} vs ${lassoCount})`);
    }

    // Colour by a metadata column, and by post time with a time filter.
    await page.selectOption('#colour-select', 'caption');
    await page.waitForSelector('#legend:not([hidden]) li');
    check(await page.locator('#legend li').count() === 21, `colour by caption: 19 values, (other) and no value in the legend (${await page.locator('#legend li').count()})`);
    await page.click('#lasso-toggle'); // back to pan and zoom
    await page.click('#search-clear');
    await page.selectOption('#colour-select', 'post time');
    await page.waitForSelector('#range:not([hidden])');
    await page.waitForTimeout(500);
    // Count the map's pixels without the legend drawn over it.
    await page.evaluate(() => { document.querySelector('#legend').style.visibility = 'hidden'; });
    const pxBefore = (await colouredPixels(page, canvas)).ink;
    await page.locator('#range-lo').fill('500');
    await page.waitForFunction(() => document.querySelector('#range-label').textContent.includes('2024-03-1'), null, { timeout: 5000 });
    await page.waitForTimeout(800);
    const pxAfter = (await colouredPixels(page, canvas)).ink;
    await page.evaluate(() => { document.querySelector('#legend').style.visibility = ''; });
    await page.screenshot({ path: join(shots, 'time-filter.png') });
    check(pxAfter > 0 && pxAfter < pxBefore / 5, `time filter keeps the later posts only (${pxBefore} → ${pxAfter} drawn pixels; ${await page.textContent('#range-label')})`);
    await page.selectOption('#colour-select', '');

    // Sweep view.
    await page.click('#sweep-toggle');
    await page.waitForSelector('#sweep-table', { timeout: 5000 });
    check(await page.locator('#sweep-table tr').count() === 4, 'sweep table has 3 settings');
    await page.screenshot({ path: join(shots, 'sweep.png') });

    // Switch to another clustering from the sweep table, and to the bare
    // map from the run menu, without leaving the page.
    await page.evaluate(() => { window.__samePage = true; });
    await page.click('#sweep-table button:text("run 3")');
    await page.waitForFunction(() => document.querySelector('#status').textContent.includes('cluster run 3'), null, { timeout: 10_000 });
    check(new URL(page.url()).search === '?run=3', `sweep switches to cluster run 3 (${page.url()})`);
    await page.selectOption('#run-select', '1');
    await page.waitForFunction(() => document.querySelector('#status').textContent.includes('no clustering'), null, { timeout: 10_000 });
    check((await page.textContent('#cluster-list')).includes('No clustering'), 'the bare map has no cluster list');
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('#status').textContent.includes('cluster run 3'), null, { timeout: 10_000 });
    check(await page.locator('#cluster-list li[data-label]').count() === 3, 'back returns to cluster run 3');
    check(await page.evaluate(() => window.__samePage === true), 'switching runs stays on the page');

    check(errors.length === 0, `no page errors (${errors.join('; ')})`);

    // Without the server's spatial index the page draws from the points
    // payload and builds the index itself (after the check above: the
    // refused request logs an error).
    await page.route('**/api/points/index*', (r) => r.fulfill({ status: 404, contentType: 'application/json', body: '{"error":"none"}' }));
    await page.goto(url);
    await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
    await page.waitForTimeout(500);
    const fallback = await colouredPixels(page, canvas);
    check(await page.getAttribute('body', 'data-index') === 'browser' && fallback.count > 200,
      `without the server's index the map still draws (${await page.getAttribute('body', 'data-index')}, ${fallback.count} coloured pixels)`);
    await page.unroute('**/api/points/index*');
  } finally {
    await ctx.close();
    proc.kill('SIGINT');
  }
  console.log(`screenshots in ${shots}`);
  if (!process.env.E2E_SCREENSHOTS) console.log('(set E2E_SCREENSHOTS to keep them elsewhere)');
  rmSync(join(work, 'project'), { recursive: true, force: true });
  if (failures) {
    console.log(`${failures} check(s) failed`);
    process.exit(1);
  }
  console.log('all checks passed');
}

main().catch((e) => {
  console.error(e);
  if (serverProc) serverProc.kill('SIGINT');
  process.exit(1);
});
