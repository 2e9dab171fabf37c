// The map's renderer: regl-scatterplot's own, with a fast path for pan and
// zoom when drawing every point is too slow for smooth motion.
//
// regl-scatterplot draws all points into a WebGL framebuffer and copies the
// result onto the page's canvas on every frame the camera moves. With a
// million points and software WebGL (no GPU) one such frame takes from a
// few hundred milliseconds to more than a second, so a pan stalls the page.
// Once a full render has proved slow, frames that only move the camera
// instead redraw the last full render moved and scaled as the camera
// demands (a 2-D canvas copy, a few milliseconds), as tiled web maps do;
// when the motion stops, one full render brings back every point. Likewise
// a frame that only changes the point under the pointer draws a ring on
// the last full render instead of rendering again. With a fast GPU every
// frame stays a full render.

import { createRenderer } from 'regl-scatterplot';

export type Renderer = ReturnType<typeof createRenderer>;

/** What the renderer needs of the scatter plot it draws. */
export interface Plot {
  get(property: 'camera'): { view: ArrayLike<number> };
  get(property: 'hoveredPoint'): number | undefined;
  getScreenPosition(i: number): [number, number] | undefined;
  redraw(): void;
}

/**
 * MapRenderer owns regl-scatterplot's renderer and decides, frame by frame,
 * between a full render and a moved copy of the last one.
 */
export class MapRenderer {
  readonly renderer: Renderer;
  /** slowMs is the full-render time above which camera moves use copies. */
  slowMs = 1000 / 50;
  /**
   * settleMs is the shortest pause in motion after which a full render
   * follows: longer than the gaps between the notches of a turning mouse
   * wheel. The pause grows with the cost of a full render (a quarter of
   * it, up to a second), so that a slow one does not freeze a gesture
   * that only slowed down.
   */
  settleMs = 250;
  private lastFullMs = 0;
  /** onMove, if set, receives the scale and offset (CSS px) of each moved copy; (1, 0, 0) after a full render. */
  onMove: ((k: number, dx: number, dy: number) => void) | null = null;

  private plot: Plot | null = null;
  private refs: [number, number] = [0, 0];
  private refPos: [number, number, number, number] | null = null;
  private view: Float64Array | null = null;
  private size = [0, 0];
  private slow = false;
  private snap: HTMLCanvasElement | null = null;
  private snapFresh = false;
  private settleTimer = 0;
  private buttons = 0;
  private forced = false;
  private hoverOnly = false;
  private dirty = true;

  constructor(private background: string) {
    this.renderer = createRenderer();
    const full = this.renderer.render;
    this.renderer.render = (draw, target) => this.frame(full, draw, target);
    // A moved copy stays on screen while a button is held (a drag that
    // pauses); the full render waits for the release.
    window.addEventListener('pointerdown', (e) => { this.buttons = e.buttons; }, true);
    const up = (e: PointerEvent) => {
      if (e.type === 'pointermove' && (e.buttons !== 0 || this.buttons === 0)) return;
      this.buttons = e.buttons;
      if (this.buttons === 0 && this.pending()) this.settle();
    };
    window.addEventListener('pointerup', up, true);
    // A release outside the window sends no pointerup here; the next
    // move without buttons stands for it.
    window.addEventListener('pointermove', up, true);
  }

  /**
   * attach names the plot and two points far apart (a, b), whose screen
   * positions give the camera's motion between frames.
   */
  attach(plot: Plot, a: number, b: number) {
    this.plot = plot;
    this.refs = [a, b];
    this.view = null;
    this.refPos = null;
  }

  /**
   * hovered says that the point under the pointer changed; call it from
   * the plot's pointOver and pointOut events, published synchronously
   * (syncEvents), so that it precedes the frame that shows the change.
   */
  hovered() {
    this.hoverOnly = true;
  }

  /**
   * changed says that the next frame shows more than a new hovered point
   * (selection, filter, colours, points): it must be a full render. Call
   * it before such changes.
   */
  changed() {
    this.dirty = true;
  }

  private pending(): boolean {
    return this.snapFresh || this.settleTimer !== 0;
  }

  private settle() {
    window.clearTimeout(this.settleTimer);
    this.settleTimer = window.setTimeout(() => {
      this.settleTimer = 0;
      if (this.buttons !== 0) return;
      this.forced = true;
      this.plot?.redraw();
    }, Math.min(1000, Math.max(this.settleMs, this.lastFullMs / 4)));
  }

  private frame(full: Renderer['render'], draw: () => unknown, target: HTMLCanvasElement) {
    const plot = this.plot;
    const view = plot?.get('camera').view;
    const sameSize = target.width === this.size[0] && target.height === this.size[1];
    if (plot && view && this.slow && !this.forced && sameSize && this.refPos && this.view) {
      if (!sameView(view, this.view)) {
        if (this.moveCopy(plot, target)) {
          this.settle();
          return;
        }
      } else if (this.hoverOnly && !this.dirty && this.hoverCopy(plot, target)) {
        this.hoverOnly = false;
        return;
      }
    }
    const t0 = performance.now();
    full(draw, target);
    const ms = performance.now() - t0;
    this.lastFullMs = ms;
    this.slow = ms > this.slowMs;
    // Slow full renders go on the performance timeline (the benchmark
    // reads them); fast ones, one a frame, would only fill it.
    if (this.slow) performance.measure('motif:render', { start: t0, duration: ms });
    this.forced = false;
    this.dirty = false;
    this.hoverOnly = false;
    this.snapFresh = false;
    this.size = [target.width, target.height];
    this.view = view ? Float64Array.from(view) : null;
    this.refPos = null;
    if (plot) {
      const a = screenPos(plot, this.refs[0]), b = screenPos(plot, this.refs[1]);
      if (a && b && (a[0] !== b[0] || a[1] !== b[1])) this.refPos = [a[0], a[1], b[0], b[1]];
    }
    this.onMove?.(1, 0, 0);
  }

  /** keep saves the canvas, which shows the last full render, once. */
  private keep(target: HTMLCanvasElement) {
    if (this.snapFresh) return;
    this.snap ??= document.createElement('canvas');
    this.snap.width = target.width;
    this.snap.height = target.height;
    this.snap.getContext('2d')!.drawImage(target, 0, 0);
    this.snapFresh = true;
  }

  /** hoverCopy draws the last full render with a ring on the hovered point. */
  private hoverCopy(plot: Plot, target: HTMLCanvasElement): boolean {
    const ctx = target.getContext('2d');
    if (!ctx) return false;
    this.keep(target);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.snap!, 0, 0);
    const i = plot.get('hoveredPoint');
    const p = i === undefined || i < 0 ? undefined : screenPos(plot, i);
    if (p) {
      const dpr = target.width / (target.clientWidth || target.width);
      ctx.beginPath();
      ctx.arc(p[0] * dpr, p[1] * dpr, 5 * dpr, 0, 2 * Math.PI);
      ctx.lineWidth = 2 * dpr;
      ctx.strokeStyle = '#000000';
      ctx.stroke();
    }
    return true;
  }

  /** moveCopy draws the last full render where the camera now puts it. */
  private moveCopy(plot: Plot, target: HTMLCanvasElement): boolean {
    const [ax0, ay0, bx0, by0] = this.refPos!;
    const a = screenPos(plot, this.refs[0]), b = screenPos(plot, this.refs[1]);
    if (!a || !b) return false;
    const k = Math.hypot(b[0] - a[0], b[1] - a[1]) / Math.hypot(bx0 - ax0, by0 - ay0);
    if (!Number.isFinite(k) || k <= 0) return false;
    const dx = a[0] - k * ax0, dy = a[1] - k * ay0;
    const ctx = target.getContext('2d');
    if (!ctx) return false;
    this.keep(target);
    const dpr = target.width / (target.clientWidth || target.width);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = this.background;
    ctx.fillRect(0, 0, target.width, target.height);
    ctx.setTransform(k, 0, 0, k, dx * dpr, dy * dpr);
    ctx.drawImage(this.snap!, 0, 0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.onMove?.(k, dx, dy);
    return true;
  }
}

/** screenPos is the point's position on the canvas, or undefined while the plot has no points. */
function screenPos(plot: Plot, i: number): [number, number] | undefined {
  try {
    return plot.getScreenPosition(i);
  } catch {
    return undefined;
  }
}

function sameView(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}
