import { computeMarkers, type MarkerCheckin } from '@attune/core/markers';

/**
 * The marker engine in-process: 10,000 relationships × 150 check-ins (client and therapist),
 * printed as check-ins per second; then one relationship at 10× and 100× the history, to show
 * the cost per check-in stays flat (linear time).
 */

const DAY = 86_400_000;

function relationshipHistory(seed: number, count: number): MarkerCheckin[] {
  let x = seed;
  const random = () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
  const out: MarkerCheckin[] = [];
  for (let i = 0; i < count; i++) {
    const startsAt = Date.UTC(2023, 0, 2) + Math.floor(i / 2) * 7 * DAY;
    const tension = random() < 0.15 ? 1 + Math.floor(random() * 4) : 0;
    out.push({
      appointmentId: `a${i >> 1}`,
      startsAt,
      createdAt: startsAt + 3_600_000,
      respondent: i % 2 === 0 ? 'client' : 'therapist',
      score: 20 + Math.floor(random() * 20),
      tension,
      resolved: tension ? Math.floor(random() * 5) : null,
    });
  }
  return out;
}

function run(histories: MarkerCheckin[][], rounds: number): { perSecond: number; markers: number } {
  let markers = 0;
  let checkins = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const checkinList of histories) {
      markers += computeMarkers({
        asOf: Date.UTC(2030, 0, 1),
        sensitivity: 'standard',
        viewer: { role: 'therapist', clientName: 'Robin' },
        checkins: checkinList,
      }).length;
      checkins += checkinList.length;
    }
  }
  return { perSecond: checkins / ((performance.now() - t0) / 1000), markers };
}

export function benchMarkers(): void {
  const histories = Array.from({ length: 10_000 }, (_, i) => relationshipHistory(i + 1, 150));
  run(histories.slice(0, 500), 1); // warm-up
  const { perSecond, markers } = run(histories, 3);
  process.stdout.write(`\nMarker engine (in-process)\n${'-'.repeat(78)}\n`);
  process.stdout.write(
    `10,000 relationships × 150 check-ins   ${(perSecond / 1e6).toFixed(1)} M check-ins/s  (target ≥ 5 M; ${markers / 3} markers each pass)\n`,
  );
  for (const size of [150, 1_500, 15_000]) {
    const count = Math.round(1_500_000 / size);
    const set = Array.from({ length: count }, (_, i) => relationshipHistory(i + 7, size));
    const r = run(set, 1);
    process.stdout.write(
      `one relationship of ${String(size).padStart(6)} check-ins       ${(1e9 / r.perSecond).toFixed(0).padStart(4)} ns per check-in\n`,
    );
  }
}

if (import.meta.main) benchMarkers();
