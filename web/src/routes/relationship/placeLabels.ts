/**
 * Where to put each marker's words on the chart so they cover neither another label nor a data
 * point, and as little of the lines as possible. Greedy, left to right: a handful of places
 * around each point is tried and the least crowded one wins. Pure geometry, in canvas pixels.
 */

export type Box = { x: number; y: number; w: number; h: number };
export type Point = { x: number; y: number };

export type LabelRequest = {
  /** The point the words belong to. */
  at: Point;
  w: number;
  h: number;
};

type Input = {
  labels: LabelRequest[];
  /** Every drawn point (both lines), which words must not hide. */
  points: Point[];
  /** Points sampled along the lines, which words should avoid. */
  lineSamples: Point[];
  bounds: { left: number; top: number; right: number; bottom: number };
  /** Distance from the point to the nearest edge of its words. */
  gap: number;
  /** Half the size of a drawn point, with a little room. */
  pointRadius: number;
};

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function contains(box: Box, p: Point, margin: number): boolean {
  return (
    p.x >= box.x - margin &&
    p.x <= box.x + box.w + margin &&
    p.y >= box.y - margin &&
    p.y <= box.y + box.h + margin
  );
}

export function placeLabels(input: Input): Box[] {
  const { bounds, gap, pointRadius } = input;
  const placed: Box[] = [];
  for (const label of input.labels) {
    const { at, w, h } = label;
    const clampX = (x: number) => Math.min(Math.max(x, bounds.left), bounds.right - w);
    const candidates: Box[] = [
      { x: clampX(at.x - w / 2), y: at.y - gap - h, w, h },
      { x: clampX(at.x - w / 2), y: at.y + gap, w, h },
      { x: clampX(at.x + gap), y: at.y - h / 2, w, h },
      { x: clampX(at.x - gap - w), y: at.y - h / 2, w, h },
      { x: clampX(at.x - w + gap), y: at.y - gap - h, w, h },
      { x: clampX(at.x - gap), y: at.y - gap - h, w, h },
      { x: clampX(at.x - w + gap), y: at.y + gap, w, h },
      { x: clampX(at.x - gap), y: at.y + gap, w, h },
      { x: clampX(at.x - w / 2), y: at.y - 2 * gap - h, w, h },
      { x: clampX(at.x - w / 2), y: at.y + 2 * gap, w, h },
    ].filter((box) => box.y >= bounds.top && box.y + box.h <= bounds.bottom);

    let best: Box | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    candidates.forEach((box, order) => {
      let score = order * 0.5; // prefer the earlier (plainer) places when all else is equal
      for (const other of placed) if (overlaps(box, other)) score += 1000;
      for (const p of input.points) if (contains(box, p, pointRadius)) score += 200;
      for (const p of input.lineSamples) if (contains(box, p, 1)) score += 3;
      if (score < bestScore) {
        bestScore = score;
        best = box;
      }
    });
    const chosen = best ?? {
      x: clampX(at.x - w / 2),
      y: Math.max(bounds.top, at.y - gap - h),
      w,
      h,
    };
    placed.push(chosen);
  }
  return placed;
}

/** Points along the straight segments between consecutive points of a line. */
export function sampleLine(points: (Point | null)[], step: number): Point[] {
  const present = points.filter((p): p is Point => p !== null);
  const out: Point[] = [];
  for (let i = 1; i < present.length; i++) {
    const a = present[i - 1] as Point;
    const b = present[i] as Point;
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    const n = Math.max(1, Math.ceil(length / step));
    for (let k = 0; k <= n; k++) {
      out.push({ x: a.x + ((b.x - a.x) * k) / n, y: a.y + ((b.y - a.y) * k) / n });
    }
  }
  return out;
}
