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

/**
 * getPointsIndex fetches the map's spatial index, built by the server in
 * KDBush's format over the coordinates the UI draws; null if the server
 * has none to give (the UI then builds it itself).
 */
export async function getPointsIndex(run?: number): Promise<ArrayBuffer | null> {
  try {
    const r = await fetch(withParams('/api/points/index', { run }), { credentials: 'same-origin' });
    return r.ok ? await r.arrayBuffer() : null;
  } catch {
    return null;
  }
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
