// motif explorer: the map of a run drawn with regl-scatterplot, its
// clusters, details of an image, search, lasso selection and the sweep.
//
// Every piece of text from the project (metadata, post text, cluster names)
// is untrusted: it goes into the page through textContent or attribute
// setters, never as HTML.

import createScatterplot from 'regl-scatterplot';
import {
  ApiError, Brief, ClusterInfo, Item, MapData, RunInfo, SweepInfo, ViewInfo,
  ColumnInfo, getColumn, getJSON, getMap, post, withParams,
} from './api';
import { MapRenderer } from './render';

type Scatterplot = ReturnType<typeof createScatterplot>;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** h builds an element; strings become text nodes, never markup. */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Record<string, string> = {}, ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

const NOISE = '#c8c8c8';

/** ClustersRes is the answer of /api/clusters. */
interface ClustersRes {
  run: number;
  clusters: ClusterInfo[];
}

/** palette gives each cluster a distinct colour: hues by the golden angle. */
function palette(k: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < k; i++) {
    const hue = (i * 137.508) % 360;
    const light = 45 + 10 * (i % 3);
    out.push(hslToHex(hue, 70, light));
  }
  return out;
}

function hslToHex(hh: number, s: number, l: number): string {
  s /= 100;
  l /= 100;
  const f = (n: number) => {
    const k = (n + hh / 30) % 12;
    const c = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(255 * c).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** ramp is a sequential colour scale, dark blue to yellow. */
function ramp(k: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < k; i++) {
    const t = k === 1 ? 0 : i / (k - 1);
    out.push(hslToHex(240 - 180 * t, 70, 30 + 40 * t));
  }
  return out;
}

/** safeURL returns u if it is an http(s) URL, else null. */
function safeURL(u: string): string | null {
  try {
    const p = new URL(u);
    return p.protocol === 'http:' || p.protocol === 'https:' ? p.href : null;
  } catch {
    return null;
  }
}

function thumbURL(key: string): string {
  return `/thumbs/${encodeURIComponent(key)}.jpg`;
}

function fmt(v: unknown, digits = 3): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  return String(v);
}

class Explorer {
  run: number | undefined;
  view!: ViewInfo;
  pts!: MapData;
  plot: Scatterplot | null = null;
  renderer: MapRenderer | null = null;
  /** index is the server's spatial index of the drawn points, if it sent one. */
  index: ArrayBuffer | undefined;
  /** sp is the scatter plot, once makePlot has made it. */
  get sp(): Scatterplot {
    if (!this.plot) throw new Error('the map is not drawn yet');
    return this.plot;
  }
  colours: string[] = [];
  clusters: ClusterInfo[] = [];
  briefs = new Map<number, Brief>();
  selection: number[] = [];
  hovered = -1;
  thumbTimer = 0;
  /** drawn is whether the plot has shown points yet. */
  drawn = false;
  nx!: Float32Array;
  ny!: Float32Array;
  column: { info: ColumnInfo; values: Float32Array } | null = null;
  rangeTimer = 0;

  constructor() {
    const r = new URLSearchParams(location.search).get('run');
    this.run = r ? Number(r) : undefined;
  }

  status(msg: string, error = false) {
    const s = $('status');
    s.textContent = msg;
    s.classList.toggle('error', error);
    if (error) s.setAttribute('data-error', '1');
    else s.removeAttribute('data-error');
  }

  params(extra: Record<string, string | number | undefined> = {}) {
    return { run: this.run, ...extra };
  }

  async start() {
    try {
      await this.load(this.run);
      this.wire();
      document.body.dataset.ready = '1';
    } catch (e) {
      this.status(e instanceof Error ? e.message : String(e), true);
      document.body.dataset.ready = 'error';
    }
  }

  /** load fetches and draws the map of a run (undefined: the server's choice). */
  async load(run: number | undefined) {
    this.status('loading…');
    // The requests run at once. The scatter plot is made as soon as the
    // view says how many points come, so that the canvas has taken its size
    // (a resize costs a full render) before the points arrive.
    const ptsP = getMap(run);
    ptsP.catch(() => undefined);
    // The cluster list and the runs load meanwhile too.
    const clustersP = getJSON<ClustersRes>('/api/clusters', { run });
    const runsP = getJSON<RunInfo[]>('/api/runs');
    clustersP.catch(() => undefined);
    runsP.catch(() => undefined);
    const view = await getJSON<ViewInfo>('/api/view', { run });
    performance.mark('motif:view');
    this.makePlot(view.set.rows);
    const pts = await ptsP;
    performance.mark('motif:points');
    this.view = view;
    this.pts = pts;
    // Pin the view to the runs loaded, so that every later request
    // refers to the same map even if a new run finishes meanwhile.
    this.run = pts.clusterRun || pts.layoutRun;
    this.briefs.clear();
    this.column = null;
    await this.draw();
    performance.mark('motif:drawn');
    const colour = $('colour-select') as HTMLSelectElement;
    colour.replaceChildren(h('option', { value: '' }, 'cluster'));
    for (const c of this.view.columns) {
      if (c.name === 'id' || c.name === 'image_key') continue;
      colour.append(h('option', { value: c.name }, `${c.name} (${c.type})`));
    }
    $('legend').hidden = true;
    $('range').hidden = true;
    await Promise.all([this.loadClusters(clustersP), this.loadRuns(runsP)]);
    const c = this.view.clusters ? ` · cluster run ${this.view.clusters.id}` : ' · no clustering';
    this.status(`${this.pts.n.toLocaleString()} images · set ${this.view.set.name} · map run ${this.pts.layoutRun}${c}`);
  }

  /** switchRun shows another run without leaving the page. */
  async switchRun(run: number, push = true) {
    if (push) history.pushState({ run }, '', `?run=${run}`);
    document.body.dataset.ready = 'loading';
    $('panel').hidden = true;
    this.showSelection([]);
    try {
      await this.load(run);
      document.body.dataset.ready = '1';
    } catch (e) {
      this.status(e instanceof Error ? e.message : String(e), true);
      document.body.dataset.ready = 'error';
    }
  }

  /** makePlot creates the scatter plot (once), sized for n points. */
  makePlot(n: number) {
    if (this.plot) return;
    const canvas = $('map') as HTMLCanvasElement;
    const renderer = new MapRenderer('#ffffff');
    const layer = $('thumb-layer');
    // Thumbnails sit where the last full render put their points: hide
    // them while the map shows a moved copy.
    renderer.onMove = (k, dx, dy) => {
      layer.style.visibility = k === 1 && dx === 0 && dy === 0 ? '' : 'hidden';
    };
    this.renderer = renderer;
    this.plot = createScatterplot({
      canvas,
      renderer: renderer.renderer,
      width: 'auto',
      height: 'auto',
      backgroundColor: '#ffffff',
      pointSize: n > 200_000 ? 2 : n > 20_000 ? 3 : 5,
      pointColor: [NOISE],
      pointColorActive: '#000000',
      pointColorHover: '#000000',
      colorBy: 'valueA',
      opacityInactiveMax: 0.25,
      lassoColor: '#0060df',
      // No long-press or click-to-start lasso: those animate through an
      // injected <style> element, which the server's CSP forbids. Lasso
      // with Shift+drag or the Lasso button.
      lassoOnLongPress: false,
      lassoInitiator: false,
      performanceMode: n > 500_000,
      // Without the server's index, build it on the main thread: handing
      // a million points to a worker costs more than building the index
      // here, and the CSP allows no blob: workers.
      spatialIndexUseWorker: false,
      deselectOnEscape: true,
      // Events come synchronously, so that the renderer learns what a
      // frame shows before drawing it.
      syncEvents: true,
    });
    const sp = this.plot;
    sp.subscribe('pointOver', () => renderer.hovered());
    sp.subscribe('pointOut', () => renderer.hovered());
    for (const ev of ['select', 'deselect', 'unfilter', 'lassoStart', 'lassoExtend', 'lassoEnd'] as const) {
      sp.subscribe(ev, () => renderer.changed());
    }
  }

  /** draw shows this.pts, with the server's spatial index if it sent one. */
  async draw() {
    const { n, x, y, labels, index } = this.pts;
    let k = 0, lo = 0, hi = 0;
    const cat = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      k = Math.max(k, labels[i] + 1);
      cat[i] = labels[i] + 1; // 0 is noise
      if (x[i] < x[lo]) lo = i;
      if (x[i] > x[hi]) hi = i;
    }
    this.nx = x;
    this.ny = y;
    this.index = index;
    document.body.dataset.index = index ? 'server' : 'browser';
    this.colours = [NOISE, ...palette(k)];
    this.makePlot(n);
    this.renderer!.attach(this.sp, lo, hi);
    this.renderer!.changed();
    const options = { zDataType: 'categorical' as const, spatialIndex: this.index };
    if (this.drawn) {
      this.sp.deselect({ preventEvent: true });
      await this.sp.unfilter({ preventEvent: true });
      await this.sp.set({ pointColor: this.colours });
      await this.sp.draw({ x, y, valueA: cat }, options);
      await this.sp.zoomToOrigin();
      return;
    }
    await this.sp.set({ pointColor: this.colours });
    await this.sp.draw({ x, y, valueA: cat }, options);
    this.drawn = true;
  }

  wire() {
    const sp = this.sp;
    sp.subscribe('pointOver', (i: number) => this.hover(i));
    sp.subscribe('pointOut', () => this.unhover());
    sp.subscribe('select', ({ points }: { points: number[] }) => this.selected(points));
    sp.subscribe('deselect', () => this.selected([]));
    sp.subscribe('view', () => this.scheduleThumbs());
    window.addEventListener('resize', () => this.scheduleThumbs());
    window.addEventListener('popstate', () => {
      const r = new URLSearchParams(location.search).get('run');
      if (r) this.switchRun(Number(r), false);
    });

    $('panel-close').addEventListener('click', () => { $('panel').hidden = true; });
    $('search-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.search(); });
    $('search-clear').addEventListener('click', () => {
      ($('search') as HTMLInputElement).value = '';
      this.sp.deselect();
    });
    const lasso = $('lasso-toggle');
    lasso.addEventListener('click', () => {
      const on = lasso.getAttribute('aria-pressed') !== 'true';
      lasso.setAttribute('aria-pressed', String(on));
      this.sp.set({ mouseMode: on ? 'lasso' : 'panZoom' });
    });
    $('fit').addEventListener('click', () => { this.sp.zoomToOrigin({ transition: true }); });
    $('selection-clear').addEventListener('click', () => this.sp.deselect());
    $('selection-export').addEventListener('click', () => this.exportSelection());
    $('sweep-toggle').addEventListener('click', () => this.toggleSweep());
    const colour = $('colour-select') as HTMLSelectElement;
    colour.addEventListener('change', () => this.colourBy(colour.value));
    for (const id of ['range-lo', 'range-hi']) {
      $(id).addEventListener('input', () => {
        window.clearTimeout(this.rangeTimer);
        this.rangeTimer = window.setTimeout(() => this.applyRange(), 120);
      });
    }
    ($('run-select') as HTMLSelectElement).addEventListener('change', (ev) => {
      const v = (ev.target as HTMLSelectElement).value;
      this.switchRun(Number(v));
    });
  }

  /** colourBy recolours the map by a metadata column, or by cluster for "". */
  async colourBy(name: string) {
    const { n, labels } = this.pts;
    const cat = new Float32Array(n);
    const legend = $('legend');
    legend.replaceChildren();
    $('range').hidden = true;
    this.column = null;
    let colours: string[];
    if (name === '') {
      for (let i = 0; i < n; i++) cat[i] = labels[i] + 1;
      colours = this.colours;
      legend.hidden = true;
    } else {
      try {
        this.column = await getColumn(name, this.run);
      } catch (e) {
        this.status(e instanceof Error ? e.message : String(e), true);
        return;
      }
      const { info, values } = this.column;
      const add = (colour: string, text: string) => {
        const sw = h('span', { class: 'swatch' });
        sw.style.background = colour;
        legend.append(h('li', {}, sw, text));
      };
      if (info.kind === 'category') {
        const cats = info.categories ?? [];
        colours = [NOISE, ...palette(cats.length)];
        for (let i = 0; i < n; i++) cat[i] = Number.isNaN(values[i]) ? 0 : values[i] + 1;
        cats.forEach((c, i) => add(colours[i + 1], c));
      } else {
        const bins = 32;
        colours = [NOISE, ...ramp(bins)];
        const lo = info.kind === 'time' ? 0 : info.min ?? 0;
        const hi = info.kind === 'time' ? (info.max ?? 0) - (info.min ?? 0) : info.max ?? 0;
        const span = hi - lo || 1;
        for (let i = 0; i < n; i++) {
          const v = values[i];
          cat[i] = Number.isNaN(v) ? 0 : 1 + Math.min(bins - 1, Math.floor(((v - lo) / span) * bins));
        }
        add(colours[1], this.valueText(lo));
        add(colours[bins], this.valueText(hi));
        ($('range-lo') as HTMLInputElement).value = '0';
        ($('range-hi') as HTMLInputElement).value = '1000';
        $('range').hidden = false;
        this.applyRange();
      }
      add(NOISE, 'no value');
      legend.hidden = false;
    }
    this.renderer?.changed();
    await this.sp.set({ pointColor: colours });
    await this.sp.draw({ x: this.nx, y: this.ny, valueA: cat }, { zDataType: 'categorical', preventFilterReset: true, spatialIndex: this.index });
  }

  /** valueText shows a value of the current numeric or time column. */
  valueText(v: number): string {
    const info = this.column?.info;
    if (info?.kind === 'time') return new Date(((info.min ?? 0) + v) * 1000).toISOString().slice(0, 16).replace('T', ' ');
    return fmt(v);
  }

  /** applyRange shows only the points whose value lies in the range. */
  applyRange() {
    if (!this.column || this.column.info.kind === 'category') return;
    const { info, values } = this.column;
    const lo0 = info.kind === 'time' ? 0 : info.min ?? 0;
    const hi0 = info.kind === 'time' ? (info.max ?? 0) - (info.min ?? 0) : info.max ?? 0;
    const a = Number(($('range-lo') as HTMLInputElement).value) / 1000;
    const b = Number(($('range-hi') as HTMLInputElement).value) / 1000;
    const lo = lo0 + Math.min(a, b) * (hi0 - lo0), hi = lo0 + Math.max(a, b) * (hi0 - lo0);
    $('range-label').textContent = `${this.valueText(lo)} – ${this.valueText(hi)}`;
    this.renderer?.changed();
    if (a <= 0 && b >= 1) {
      this.sp.unfilter();
      return;
    }
    const keep: number[] = [];
    for (let i = 0; i < values.length; i++) if (values[i] >= lo && values[i] <= hi) keep.push(i);
    this.sp.filter(keep);
  }

  /** briefsOf fetches (and caches) the id, image key and cluster of rows. */
  async briefsOf(rows: number[]): Promise<Brief[]> {
    const missing = rows.filter((r) => !this.briefs.has(r));
    for (let i = 0; i < missing.length; i += 500) {
      const chunk = missing.slice(i, i + 500);
      const got = await getJSON<Brief[]>('/api/rows', this.params({ rows: chunk.join(',') }));
      for (const b of got) this.briefs.set(b.row, b);
    }
    return rows.map((r) => this.briefs.get(r)!).filter(Boolean);
  }

  clusterName(label: number | undefined): string {
    if (label === undefined) return '';
    if (label < 0) return 'noise';
    const c = this.clusters.find((c) => c.label === label);
    return c && c.name ? c.name : `cluster ${label}`;
  }

  async hover(i: number) {
    this.hovered = i;
    const [b] = await this.briefsOf([i]);
    if (this.hovered !== i || !b) return;
    const pos = this.sp.getScreenPosition(i);
    const tip = $('tooltip');
    const img = $('tooltip-img') as HTMLImageElement;
    if (b.image_key) {
      img.src = thumbURL(b.image_key);
      img.hidden = false;
    } else {
      img.removeAttribute('src');
      img.hidden = true;
    }
    $('tooltip-text').textContent = `${b.id} · ${this.clusterName(b.cluster)}`;
    if (pos) {
      const wrap = $('map-wrap').getBoundingClientRect();
      const left = Math.min(pos[0] + 12, wrap.width - 190);
      const top = Math.min(pos[1] + 12, wrap.height - 200);
      tip.style.left = `${Math.max(0, left)}px`;
      tip.style.top = `${Math.max(0, top)}px`;
    }
    tip.hidden = false;
    tip.dataset.row = String(i);
  }

  unhover() {
    this.hovered = -1;
    $('tooltip').hidden = true;
  }

  /** scheduleThumbs draws thumbnails in place of dots once few points are in view. */
  scheduleThumbs() {
    window.clearTimeout(this.thumbTimer);
    this.thumbTimer = window.setTimeout(() => this.drawThumbs(), 150);
  }

  async drawThumbs() {
    const layer = $('thumb-layer');
    // Zoomed out, far more than 150 points are in view: skip the search
    // (which lists them all). The visible area shrinks with the square of
    // the camera's distance (1: the whole map).
    const d = (this.sp.get('camera') as { distance: number[] }).distance[0];
    if (this.pts.n * d * d > 50_000) {
      layer.replaceChildren();
      return;
    }
    const inView = this.sp.get('pointsInView') as number[];
    if (!inView || inView.length > 150 || inView.length === 0) {
      layer.replaceChildren();
      return;
    }
    const briefs = await this.briefsOf(inView);
    const imgs: HTMLElement[] = [];
    for (const b of briefs) {
      if (!b.image_key) continue;
      const pos = this.sp.getScreenPosition(b.row);
      if (!pos) continue;
      const img = h('img', { src: thumbURL(b.image_key), alt: '' });
      img.style.left = `${pos[0]}px`;
      img.style.top = `${pos[1]}px`;
      img.style.borderColor = this.colours[(b.cluster ?? -1) + 1] ?? NOISE;
      imgs.push(img);
    }
    layer.replaceChildren(...imgs);
  }

  selected(points: number[]) {
    if (points.length === 1) {
      this.openItem(points[0]);
      this.showSelection([]);
      return;
    }
    this.showSelection(points);
  }

  async openItem(row: number) {
    this.unhover();
    const panel = $('panel');
    const body = $('panel-body');
    panel.hidden = false;
    body.replaceChildren(h('p', {}, 'loading…'));
    let it: Item;
    try {
      it = await getJSON<Item>(`/api/item/${row}`, this.params());
    } catch (e) {
      body.replaceChildren(h('p', { class: 'error' }, e instanceof Error ? e.message : String(e)));
      return;
    }
    const parts: Node[] = [];
    parts.push(h('h2', { id: 'item-title' }, it.id));
    if (it.image) {
      const small = Math.max(it.image.width, it.image.height) < 128;
      const img = h('img', { class: small ? 'large small' : 'large', alt: it.id, src: it.image.url ?? it.image.thumb ?? '' });
      parts.push(h('a', { href: it.image.url ?? '#', target: '_blank', rel: 'noopener noreferrer' }, img));
      parts.push(h('p', { class: 'cluster-meta' }, `${it.image.width}×${it.image.height} ${it.image.format}, ${(it.image.bytes / 1024).toFixed(1)} KiB`));
    }
    if (it.cluster !== undefined) {
      parts.push(h('p', {}, h('span', { class: 'swatch' }),
        `${this.clusterName(it.cluster)} · probability ${fmt(it.probability)} · outlier score ${fmt(it.outlier_score)}`));
      (parts[parts.length - 1].firstChild as HTMLElement).style.background = this.colours[it.cluster + 1] ?? NOISE;
    }
    const table = h('table', { id: 'item-metadata' });
    for (const m of it.metadata) table.append(h('tr', {}, h('td', {}, m.name), h('td', {}, fmt(m.value, 6))));
    parts.push(h('h3', {}, 'Metadata'), table);
    parts.push(h('h3', {}, `Posts (${it.posts.length})`));
    const posts = h('div', { id: 'item-posts' });
    for (const p of it.posts) {
      const link = safeURL(p.url);
      posts.append(h('div', { class: 'post' },
        h('div', { class: 'post-text' }, p.text),
        h('div', { class: 'post-meta' }, [p.author, p.posted_at, p.id].filter(Boolean).join(' · '), ' ',
          link ? h('a', { href: link, target: '_blank', rel: 'noopener noreferrer' }, 'image link') : null)));
    }
    if (it.posts.length === 0) posts.append(h('p', { class: 'cluster-meta' }, 'No posts recorded for this image.'));
    parts.push(posts);
    parts.push(h('h3', {}, 'Nearest neighbours'));
    const gal = h('div', { class: 'gallery', id: 'item-neighbours' });
    for (const nb of it.neighbours) {
      const img = h('img', { alt: nb.id, title: `${nb.id} · distance ${fmt(nb.distance)}` });
      if (nb.image_key) img.src = thumbURL(nb.image_key);
      img.addEventListener('click', () => { this.sp.select([nb.row]); });
      gal.append(img);
    }
    parts.push(gal);
    body.replaceChildren(...parts);
  }

  async showSelection(points: number[]) {
    this.selection = points;
    const sec = $('selection');
    if (points.length === 0) {
      sec.hidden = true;
      return;
    }
    sec.hidden = false;
    $('selection-count').textContent = `${points.length.toLocaleString()} selected` + (points.length > 200 ? ' (first 200 shown)' : '');
    const gal = $('selection-gallery');
    gal.replaceChildren();
    const briefs = await this.briefsOf(points.slice(0, 200));
    if (this.selection !== points) return;
    for (const b of briefs) {
      const img = h('img', { alt: b.id, title: `${b.id} · ${this.clusterName(b.cluster)}` });
      if (b.image_key) img.src = thumbURL(b.image_key);
      img.addEventListener('click', () => this.openItem(b.row));
      gal.append(img);
    }
  }

  async exportSelection() {
    try {
      const r = await post(withParams('/api/export', this.params()), { rows: this.selection });
      const blob = await r.blob();
      const a = h('a', { href: URL.createObjectURL(blob), download: `${this.view.set.name}-selection.csv` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (e) {
      this.status(e instanceof Error ? e.message : String(e), true);
    }
  }

  async search() {
    const q = ($('search') as HTMLInputElement).value.trim();
    if (!q) return;
    try {
      const res = await getJSON<{ rows: number[]; truncated: boolean }>('/api/search', this.params({ q }));
      this.status(`${res.rows.length.toLocaleString()} match${res.rows.length === 1 ? '' : 'es'} for “${q}”${res.truncated ? ' (truncated)' : ''}`);
      if (res.rows.length === 0) this.sp.deselect();
      else this.sp.select(res.rows);
    } catch (e) {
      this.status(e instanceof Error ? e.message : String(e), true);
    }
  }

  /**
   * loadClusters lists the clusters of the map shown; pre is a response
   * fetched beforehand, used if it is of the clustering shown.
   */
  async loadClusters(pre?: Promise<ClustersRes>) {
    let res = pre ? await pre.catch(() => null) : null;
    if (!res || res.run !== this.pts.clusterRun) res = await getJSON<ClustersRes>('/api/clusters', this.params());
    this.clusters = res.clusters;
    const list = $('cluster-list');
    list.replaceChildren();
    const sorted = [...res.clusters].sort((a, b) => b.size - a.size);
    for (const c of sorted) list.append(this.clusterItem(res.run, c));
    if (sorted.length === 0) list.append(h('li', { class: 'cluster-meta' }, 'No clustering for this map yet: run `motif cluster`.'));
  }

  clusterItem(run: number, c: ClusterInfo): HTMLLIElement {
    const sw = h('span', { class: 'swatch' });
    sw.style.background = this.colours[c.label + 1] ?? NOISE;
    const title = h('span', { class: 'cluster-name' }, c.name || `cluster ${c.label}`);
    const meta = h('div', { class: 'cluster-meta' },
      `${c.size.toLocaleString()} images · persistence ${fmt(c.persistence)}`, c.note ? ` · ${c.note}` : '');
    const thumbs = h('div', { class: 'cluster-thumbs' });
    for (const k of c.exemplar_keys.slice(0, 8)) if (k) thumbs.append(h('img', { src: thumbURL(k), alt: '' }));
    const edit = h('button', { type: 'button', class: 'cluster-rename' }, 'Rename');
    const li = h('li', { 'data-label': String(c.label) }, sw, title, ' ', edit, meta, thumbs);
    li.addEventListener('click', (ev) => {
      if ((ev.target as HTMLElement).closest('.cluster-edit, .cluster-rename')) return;
      const rows: number[] = [];
      const { labels, n } = this.pts;
      for (let i = 0; i < n; i++) if (labels[i] === c.label) rows.push(i);
      for (const e of document.querySelectorAll('#cluster-list li.active')) e.classList.remove('active');
      li.classList.add('active');
      this.sp.select(rows);
      this.sp.zoomToPoints(rows, { padding: 0.2, transition: true });
    });
    edit.addEventListener('click', () => {
      if (li.querySelector('.cluster-edit')) return;
      const name = h('input', { type: 'text', maxlength: '200', 'aria-label': 'cluster name', class: 'cluster-name-input' });
      name.value = c.name;
      const note = h('textarea', { rows: '2', maxlength: '10000', 'aria-label': 'cluster note', class: 'cluster-note-input' });
      note.value = c.note;
      const save = h('button', { type: 'submit' }, 'Save');
      const form = h('form', { class: 'cluster-edit' }, name, note, save);
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
          await post(`/api/clusters/${run}/${c.label}`, { name: name.value, note: note.value });
          await this.loadClusters();
        } catch (e) {
          this.status(e instanceof ApiError ? e.message : String(e), true);
        }
      });
      li.append(form);
      name.focus();
    });
    return li;
  }

  /** loadRuns fills the run menu; pre is the run list fetched beforehand. */
  async loadRuns(pre?: Promise<RunInfo[]>) {
    const runs = await (pre ?? getJSON<RunInfo[]>('/api/runs'));
    const sel = $('run-select') as HTMLSelectElement;
    sel.replaceChildren();
    const shown = this.pts.clusterRun || this.pts.layoutRun;
    for (const r of runs.slice().reverse()) {
      if (r.status !== 'done' || r.set !== this.view.set.id) continue;
      let label = '';
      if (r.kind === 'cluster') {
        label = `cluster run ${r.id}: min_cluster_size ${fmt(r.params.min_cluster_size)}, min_samples ${fmt(r.params.min_samples)}` +
          ` (${fmt(r.metrics.clusters)} clusters)`;
      } else if (r.kind === 'map' && (r.params.dims === undefined || r.params.dims === 2)) {
        label = `map run ${r.id} (no clusters)`;
      } else continue;
      const o = h('option', { value: String(r.id) }, label);
      if (r.id === shown) o.selected = true;
      sel.append(o);
    }
  }

  async toggleSweep() {
    const sec = $('sweep');
    if (!sec.hidden) {
      sec.hidden = true;
      return;
    }
    sec.hidden = false;
    const body = $('sweep-body');
    body.replaceChildren(h('p', {}, 'loading…'));
    let sw: SweepInfo;
    try {
      sw = await getJSON<SweepInfo>('/api/sweep', this.params());
    } catch (e) {
      body.replaceChildren(h('p', {}, e instanceof Error ? e.message : String(e)));
      return;
    }
    const runs = await getJSON<RunInfo[]>('/api/runs');
    const table = h('table', { id: 'sweep-table' });
    table.append(h('tr', {}, ...sw.columns.map((c) => h('th', {}, c)), h('th', {}, 'show')));
    for (const row of sw.rows) {
      const mcs = row.min_cluster_size, ms = row.min_samples;
      const tr = h('tr', {}, ...sw.columns.map((c) => h('td', {}, fmt(row[c]))));
      if (sw.recommended && sw.recommended[0] === mcs && sw.recommended[1] === ms) tr.className = 'recommended';
      const match = runs.filter((r) => r.kind === 'cluster' && r.status === 'done' && r.parent === sw.layout &&
        r.params.min_cluster_size === mcs && r.params.min_samples === ms).pop();
      const td = h('td', {});
      if (match) {
        const b = h('button', { type: 'button' }, `run ${match.id}`);
        b.addEventListener('click', () => { this.switchRun(match.id); });
        td.append(b);
      }
      tr.append(td);
      table.append(tr);
    }
    body.replaceChildren(
      h('p', {}, `Sweep run ${sw.run} on map run ${sw.layout}. ${sw.rule ?? ''}`),
      table,
      h('img', { src: withParams('/api/sweep/chart', this.params()), alt: 'sweep curves' }),
      h('p', { class: 'cluster-meta' }, 'To show a setting that has no run yet: motif cluster --min-cluster-size N --min-samples M, then reload.'),
    );
  }
}

new Explorer().start();
