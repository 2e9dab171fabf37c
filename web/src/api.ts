// The explorer's API client: JSON routes, the binary points payload, and
// POSTs that carry the CSRF token.

export interface RunInfo {
  id: number;
  kind: string;
  set: number;
  parent?: number;
  status: string;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

export interface ViewInfo {
  set: { id: number; name: string; rows: number; dims: number };
  layout: RunInfo | null;
  clusters: RunInfo | null;
  columns: { name: string; type: string }[];
}

export interface ClusterInfo {
  label: number;
  size: number;
  persistence: number | null;
  name: string;
  note: string;
  exemplars: number[];
  exemplar_keys: string[];
  centre: [number | null, number | null];
}

export interface Brief {
  row: number;
  id: string;
  image_key?: string;
  cluster?: number;
}

export interface Item {
  row: number;
  id: string;
  image_key?: string;
  image?: { width: number; height: number; format: string; bytes: number; thumb?: string; url?: string };
  metadata: { name: string; value: unknown }[];
  cluster?: number;
  probability?: number | null;
  outlier_score?: number | null;
  posts: { id: string; text: string; author: string; posted_at?: string; url: string }[];
  neighbours: { row: number; id: string; image_key?: string; distance: number | null }[];
}

export interface SweepInfo {
  run: number;
  layout: number;
  rule?: string;
  recommended?: [number, number];
  columns: string[];
  rows: Record<string, number | string | null>[];
}

export interface Points {
  n: number;
  layoutRun: number;
  clusterRun: number;
  x: Float32Array;
  y: Float32Array;
  labels: Int32Array;
}

/** ApiError carries the server's message. */
export class ApiError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

async function check(r: Response): Promise<Response> {
  if (r.ok) return r;
  let msg = `${r.status} ${r.statusText}`;
  try {
    const body = await r.json();
    if (body && typeof body.error === 'string') msg = body.error;
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(r.status, msg);
}

export async function getJSON<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const r = await fetch(withParams(path, params), { credentials: 'same-origin' });
  return (await check(r)).json() as Promise<T>;
}

export function withParams(path: string, params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== '' && v !== 0) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** decodePoints reads the "MTFP" payload of /api/points. */
export function decodePoints(buf: ArrayBuffer): Points {
  const dv = new DataView(buf);
  const magic = String.fromCharCode(dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3));
  if (magic !== 'MTFP') throw new Error('the server sent no map (bad points payload)');
  const n = dv.getUint32(4, true);
  if (buf.byteLength !== 16 + 12 * n) throw new Error('truncated points payload');
  return {
    n,
    layoutRun: dv.getUint32(8, true),
    clusterRun: dv.getUint32(12, true),
    x: new Float32Array(buf, 16, n),
    y: new Float32Array(buf, 16 + 4 * n, n),
    labels: new Int32Array(buf, 16 + 8 * n, n),
  };
}

export async function getPoints(run?: number): Promise<Points> {
  const r = await check(await fetch(withParams('/api/points', { run }), { credentials: 'same-origin' }));
  return decodePoints(await r.arrayBuffer());
}

/** MapData is what the page draws. */
export interface MapData {
  n: number;
  layoutRun: number;
  clusterRun: number;
  labels: Int32Array;
  /**
   * x and y are the coordinates in the map's square: centred, the longer
   * side of their bounding box spanning −0.95 to 0.95.
   */
  x: Float32Array;
  y: Float32Array;
  /** index is the server's spatial index of (x, y) in KDBush's format, if it sent one. */
  index?: ArrayBuffer;
}

/**
 * getMap fetches the map of a run: its labels and the server's spatial
 * index, which holds the coordinates too (16 bytes a point); without a
 * usable index, the points payload (12 bytes a point), normalised here.
 */
export async function getMap(run?: number): Promise<MapData> {
  const [labels, index] = await Promise.all([getLabels(run), getPointsIndex(run)]);
  if (index && index.layoutRun === labels.layoutRun) {
    const xy = coordsOfIndex(index.data, labels.n);
    if (xy) return { ...labels, ...xy, index: index.data };
  }
  // Pin the run the labels came from.
  const pts = await getPoints(labels.clusterRun || labels.layoutRun);
  return { n: pts.n, layoutRun: pts.layoutRun, clusterRun: pts.clusterRun, labels: pts.labels, ...mapCoords(pts.x, pts.y) };
}

/** getLabels reads the "MTFL" payload of /api/labels. */
async function getLabels(run?: number): Promise<{ n: number; layoutRun: number; clusterRun: number; labels: Int32Array }> {
  const r = await check(await fetch(withParams('/api/labels', { run }), { credentials: 'same-origin' }));
  const buf = await r.arrayBuffer();
  const dv = new DataView(buf);
  const magic = String.fromCharCode(dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3));
  if (magic !== 'MTFL') throw new Error('the server sent no map (bad labels payload)');
  const n = dv.getUint32(4, true);
  if (buf.byteLength !== 16 + 4 * n) throw new Error('truncated labels payload');
  return { n, layoutRun: dv.getUint32(8, true), clusterRun: dv.getUint32(12, true), labels: new Int32Array(buf, 16, n) };
}

/**
 * getPointsIndex fetches the map's spatial index, built by the server in
 * KDBush's format; null if the server has none to give (the page then
 * builds one itself).
 */
async function getPointsIndex(run?: number): Promise<{ data: ArrayBuffer; layoutRun: number } | null> {
  try {
    const r = await fetch(withParams('/api/points/index', { run }), { credentials: 'same-origin' });
    if (!r.ok) return null;
    return { data: await r.arrayBuffer(), layoutRun: Number(r.headers.get('X-Motif-Layout-Run')) };
  } catch {
    return null;
  }
}

/**
 * coordsOfIndex reads the coordinates of rows 0…n−1 out of a KDBush index
 * (format version 1, Float32Array coordinates); null unless it holds each
 * of the n rows once.
 */
export function coordsOfIndex(index: ArrayBuffer, n: number): { x: Float32Array; y: Float32Array } | null {
  if (index.byteLength < 8) return null;
  const head = new DataView(index);
  if (head.getUint8(0) !== 0xdb || head.getUint8(1) !== 0x17 || head.getUint32(4, true) !== n) return null;
  const idBytes = n < 65536 ? 2 : 4;
  const pad = (8 - ((n * idBytes) % 8)) % 8;
  if (index.byteLength !== 8 + n * idBytes + pad + 8 * n) return null;
  const ids = idBytes === 2 ? new Uint16Array(index, 8, n) : new Uint32Array(index, 8, n);
  const xy = new Float32Array(index, 8 + n * idBytes + pad, 2 * n);
  const x = new Float32Array(n), y = new Float32Array(n), seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = ids[i];
    if (r >= n || seen[r]) return null;
    seen[r] = 1;
    x[r] = xy[2 * i];
    y[r] = xy[2 * i + 1];
  }
  return { x, y };
}

/**
 * mapCoords centres raw coordinates on their bounding box and scales its
 * longer side to span 1.9, as the server does for its index.
 */
export function mapCoords(x: Float32Array, y: Float32Array): { x: Float32Array; y: Float32Array } {
  const n = x.length;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, x[i]); maxX = Math.max(maxX, x[i]);
    minY = Math.min(minY, y[i]); maxY = Math.max(maxY, y[i]);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2, sc = 1.9 / span;
  const nx = new Float32Array(n), ny = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    nx[i] = (x[i] - cx) * sc;
    ny[i] = (y[i] - cy) * sc;
  }
  return { x: nx, y: ny };
}

/** csrfToken is the token the page's cookie carries. */
export function csrfToken(): string {
  for (const part of document.cookie.split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === 'motif_csrf') return v ?? '';
  }
  return '';
}

export async function post(path: string, body: unknown): Promise<Response> {
  const r = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Motif-CSRF': csrfToken() },
    body: JSON.stringify(body),
  });
  return check(r);
}

export interface ColumnInfo {
  name: string;
  kind: 'category' | 'number' | 'time';
  categories?: string[];
  min: number | null;
  max: number | null;
}

/** getColumn reads the "MTFC" payload of /api/column. */
export async function getColumn(name: string, run?: number): Promise<{ info: ColumnInfo; values: Float32Array }> {
  const r = await check(await fetch(withParams('/api/column', { name, run }), { credentials: 'same-origin' }));
  const buf = await r.arrayBuffer();
  const dv = new DataView(buf);
  const magic = String.fromCharCode(dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3));
  if (magic !== 'MTFC') throw new Error('bad column payload');
  const n = dv.getUint32(4, true);
  const jl = dv.getUint32(8, true);
  const info = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 12, jl))) as ColumnInfo;
  return { info, values: new Float32Array(buf, 12 + jl, n) };
}
