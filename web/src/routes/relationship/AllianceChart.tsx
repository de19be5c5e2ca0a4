import { useEffect, useRef, useSyncExternalStore } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { markerLabel } from '../../words';
import { SCORE_MAX } from '../check-in/items';
import { placeLabels, sampleLine } from './placeLabels';
import { type CheckinRow, distinctKinds } from './rows';

/**
 * The alliance score over time, drawn with uPlot (a small canvas chart library, loaded only with
 * this page). The canvas is one image to assistive technology, named by a summary; the table
 * beside it is the full text alternative. Nothing moves: uPlot does not animate, and this chart
 * adds no transitions.
 *
 * Told apart without colour: the client's line is solid with round points, the therapist's is
 * dashed with square points; what Attune noticed is a ring with its words beside it.
 */

type Props = {
  rows: CheckinRow[];
  viewer: 'client' | 'therapist';
  clientLabel: string;
  /** Null while the therapist is not connected: their line is not drawn. */
  therapistLabel: string | null;
  summary: string;
};

const DAY_SECONDS = 86_400;

/** Re-render when the colour scheme or forced colours change, so the canvas follows them. */
function useColourMode(): string {
  return useSyncExternalStore(
    (onChange) => {
      const queries = ['(prefers-color-scheme: dark)', '(forced-colors: active)'].map((q) =>
        window.matchMedia(q),
      );
      for (const q of queries) q.addEventListener('change', onChange);
      return () => {
        for (const q of queries) q.removeEventListener('change', onChange);
      };
    },
    () =>
      `${window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'}-${
        window.matchMedia('(forced-colors: active)').matches ? 'forced' : 'normal'
      }`,
  );
}

/** A CSS custom property resolved to a colour the canvas understands. */
function cssColour(host: HTMLElement, name: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${name})`;
  host.append(probe);
  const colour = getComputedStyle(probe).color;
  probe.remove();
  return colour;
}

function heightFor(width: number): number {
  return width < 480 ? 240 : 300;
}

/** Day and month for a span of months; month and year once the history spans years. */
function dateTick(seconds: number, longSpan: boolean): string {
  return new Date(seconds * 1000).toLocaleDateString(
    undefined,
    longSpan ? { month: 'short', year: 'numeric' } : { day: 'numeric', month: 'short' },
  );
}

/** With many markers, only the latest few carry words on the chart; the table has them all. */
const MAX_LABELS = 3;

export default function AllianceChart({
  rows,
  viewer,
  clientLabel,
  therapistLabel,
  summary,
}: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const mode = useColourMode();

  useEffect(() => {
    const box = boxRef.current;
    if (!box || mode === '') return;
    const colours = {
      client: cssColour(box, '--chart-client'),
      therapist: cssColour(box, '--chart-therapist'),
      marker: cssColour(box, '--chart-marker'),
      text: cssColour(box, '--muted'),
      grid: cssColour(box, '--line'),
      surface: cssColour(box, '--surface'),
    };
    const xs = rows.map((r) => new Date(r.at).getTime() / 1000);
    const client = rows.map((r) => r.client?.score ?? null);
    const therapist = rows.map((r) => r.therapist?.score ?? null);
    const labels = rows.map((r) => distinctKinds(r.markers).map((k) => markerLabel(k, viewer)));
    const font = '14px system-ui, sans-serif';

    const draw = (u: uPlot) => {
      const ctx = u.ctx;
      const px = uPlot.pxRatio;
      const { left, top, width, height } = u.bbox;
      // A long history leaves little room per session: smaller points, words on the latest only.
      const dense = width / px / Math.max(xs.length, 1) < 14;
      ctx.save();
      ctx.beginPath();
      ctx.rect(left - 12 * px, top - 24 * px, width + 24 * px, height + 36 * px);
      ctx.clip();

      // Points: round and filled for the client, square and hollow for the therapist.
      const point = (x: number, y: number, shape: 'round' | 'square', colour: string) => {
        // Whole pixels keep the shapes crisp (and their colour true) at any zoom.
        const cx = Math.round(x);
        const cy = Math.round(y);
        const r = Math.round((dense ? 2.5 : 5.5) * px);
        ctx.lineWidth = Math.round((dense ? 1.5 : 3) * px);
        ctx.strokeStyle = colour;
        ctx.setLineDash([]);
        ctx.beginPath();
        if (shape === 'round') {
          ctx.arc(cx, cy, r, 0, Math.PI * 2);
          ctx.fillStyle = colour;
          ctx.fill();
        } else {
          ctx.rect(cx - r, cy - r, 2 * r, 2 * r);
          ctx.fillStyle = colours.surface;
          ctx.fill();
          ctx.stroke();
        }
      };
      // What Attune noticed, first: a ring around the point and its words near it, placed
      // where they hide no other words and no point (the points are drawn last, on top).
      const fontSize = (width < 400 * px ? 12 : 13) * px;
      ctx.font = `600 ${fontSize}px system-ui, sans-serif`;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'left';
      const lineHeight = fontSize * 1.25;
      const pad = 3 * px;
      const pos = (i: number, series: (number | null)[]) => {
        const value = series[i];
        if (value === null || value === undefined) return null;
        return { x: u.valToPos(xs[i] ?? 0, 'x', true), y: u.valToPos(value, 'y', true) };
      };
      const clientPoints = xs.map((_x, i) => pos(i, client));
      const therapistPoints = xs.map((_x, i) =>
        therapistLabel !== null ? pos(i, therapist) : null,
      );
      const requests: { at: { x: number; y: number }; w: number; h: number; lines: string[] }[] =
        [];
      const noticed = labels.flatMap((words, i) => (words.length > 0 ? [i] : []));
      const worded = new Set(noticed.slice(-MAX_LABELS));
      // Every noticed session gets its ring; only the latest few get words.
      for (const i of noticed) {
        const at = clientPoints[i] ?? therapistPoints[i];
        if (!at || worded.has(i)) continue;
        ctx.strokeStyle = colours.marker;
        ctx.lineWidth = 2 * px;
        ctx.setLineDash([]);
        ctx.beginPath();
        ctx.arc(at.x, at.y, (dense ? 6 : 10) * px, 0, Math.PI * 2);
        ctx.stroke();
      }
      labels.forEach((words, i) => {
        const at = clientPoints[i] ?? therapistPoints[i];
        if (!at || words.length === 0 || !worded.has(i)) return;
        const oneLine = words.join(' · ');
        const lines =
          ctx.measureText(oneLine).width <= Math.min(width * 0.55, 220 * px) ? [oneLine] : words;
        const w = Math.max(...lines.map((line) => ctx.measureText(line).width)) + 2 * pad;
        requests.push({ at, w, h: lines.length * lineHeight, lines });
      });
      const boxes = placeLabels({
        labels: requests,
        points: [...clientPoints, ...therapistPoints].filter((p) => p !== null),
        lineSamples: [...sampleLine(clientPoints, 4 * px), ...sampleLine(therapistPoints, 4 * px)],
        bounds: {
          left: left - 10 * px,
          top: top - 24 * px,
          right: left + width + 10 * px,
          bottom: top + height + 4 * px,
        },
        gap: 13 * px,
        pointRadius: 7 * px,
      });
      requests.forEach((request, i) => {
        const box = boxes[i];
        if (!box) return;
        ctx.strokeStyle = colours.marker;
        ctx.lineWidth = 2 * px;
        ctx.setLineDash([]);
        ctx.beginPath();
        ctx.arc(request.at.x, request.at.y, 10 * px, 0, Math.PI * 2);
        ctx.stroke();
        ctx.fillStyle = colours.surface;
        ctx.globalAlpha = 0.9;
        ctx.fillRect(box.x, box.y, box.w, box.h);
        ctx.globalAlpha = 1;
        ctx.fillStyle = colours.marker;
        request.lines.forEach((line, j) => {
          ctx.fillText(line, box.x + pad, box.y + (j + 0.5) * lineHeight);
        });
      });

      // The points, on top of everything.
      xs.forEach((x, i) => {
        const cx = u.valToPos(x, 'x', true);
        const t = therapist[i];
        if (therapistLabel !== null && t !== null && t !== undefined) {
          point(cx, u.valToPos(t, 'y', true), 'square', colours.therapist);
        }
        const c = client[i];
        if (c !== null && c !== undefined)
          point(cx, u.valToPos(c, 'y', true), 'round', colours.client);
      });
      ctx.restore();
    };

    const span = xs.length > 1 ? (xs.at(-1) ?? 0) - (xs[0] ?? 0) : 0;
    const pad = Math.max(span * 0.06, 2 * DAY_SECONDS);
    const width = box.clientWidth;
    const options: uPlot.Options = {
      width,
      height: heightFor(width),
      padding: [28, 20, 4, 4],
      legend: { show: false },
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      scales: {
        x: { time: true, range: (_u, min, max) => [min - pad, max + pad] },
        y: { range: [0, SCORE_MAX] },
      },
      axes: [
        {
          stroke: colours.text,
          font,
          space: 72,
          grid: { stroke: colours.grid, width: 1 },
          ticks: { stroke: colours.grid, width: 1 },
          values: (_u, splits) => splits.map((t) => dateTick(t, span > 300 * DAY_SECONDS)),
        },
        {
          stroke: colours.text,
          font,
          size: 40,
          splits: () => [0, 10, 20, 30, 40],
          grid: { stroke: colours.grid, width: 1 },
          ticks: { stroke: colours.grid, width: 1 },
        },
      ],
      series: [
        {},
        {
          label: clientLabel,
          stroke: colours.client,
          width: 2.5,
          spanGaps: true,
          points: { show: false },
        },
        {
          label: therapistLabel ?? '',
          show: therapistLabel !== null,
          stroke: colours.therapist,
          width: 2.5,
          dash: [9, 6],
          spanGaps: true,
          points: { show: false },
        },
      ],
      hooks: { draw: [draw] },
    };
    const plot = new uPlot(options, [xs, client, therapist], box);
    const observer = new ResizeObserver(() => {
      const next = box.clientWidth;
      if (next > 0 && next !== plot.width) plot.setSize({ width: next, height: heightFor(next) });
    });
    observer.observe(box);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [rows, viewer, clientLabel, therapistLabel, mode]);

  return (
    <figure className="chart">
      <div ref={boxRef} className="chart-canvas" role="img" aria-label={summary} />
      <figcaption className="chart-legend">
        <span className="legend-item">
          <svg className="legend-swatch legend-client" viewBox="0 0 40 16" aria-hidden="true">
            <line x1="2" y1="8" x2="38" y2="8" />
            <circle cx="20" cy="8" r="5" />
          </svg>
          {clientLabel}: solid line, round points
        </span>
        {therapistLabel !== null ? (
          <span className="legend-item">
            <svg className="legend-swatch legend-therapist" viewBox="0 0 40 16" aria-hidden="true">
              <line x1="2" y1="8" x2="38" y2="8" strokeDasharray="7 5" />
              <rect x="15" y="3" width="10" height="10" />
            </svg>
            {therapistLabel}: dashed line, square points
          </span>
        ) : null}
        <span className="legend-item">
          <svg className="legend-swatch legend-marker" viewBox="0 0 40 16" aria-hidden="true">
            <circle cx="20" cy="8" r="6.5" />
          </svg>
          A ring with words: something Attune noticed
        </span>
      </figcaption>
    </figure>
  );
}
