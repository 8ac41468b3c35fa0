/**
 * @module test/sim/sim-report
 * Turns the simulation's per-interaction outcomes into the figures `npm run sim` reports: match
 * rate by interaction index (personalized users and the control group), recovery after the change,
 * and a small SVG line chart for docs/.
 */

/** Share of matches at each 1-based interaction index (index 0 unused). */
export function ratesByIndex(outcomes: Array<{ index: number; match: boolean }>, interactions: number): number[] {
  const hits = new Array<number>(interactions + 1).fill(0);
  const totals = new Array<number>(interactions + 1).fill(0);
  for (const o of outcomes) {
    totals[o.index] += 1;
    if (o.match) hits[o.index] += 1;
  }
  return hits.map((h, i) => (totals[i] ? h / totals[i] : Number.NaN));
}

/** First index ≥ `from` from which the rate stays ≥ `threshold` for `window` interactions (window mean), or null. */
export function recoveredAt(rates: number[], from: number, threshold: number, window = 3): number | null {
  for (let i = from; i + window - 1 < rates.length; i++) {
    const slice = rates.slice(i, i + window);
    if (slice.reduce((a, b) => a + b, 0) / window >= threshold) return i;
  }
  return null;
}

/** An SVG chart of the series (0–100%) against interaction index, with a marker at `changeAt`. */
export function renderSvg(series: Array<{ name: string; color: string; rates: number[] }>, changeAt: number, title: string): string {
  const width = 640;
  const height = 320;
  const left = 48;
  const bottom = 36;
  const top = 28;
  const right = 150;
  const n = Math.max(...series.map((s) => s.rates.length)) - 1;
  const x = (i: number) => left + ((i - 1) / Math.max(1, n - 1)) * (width - left - right);
  const y = (r: number) => top + (1 - r) * (height - top - bottom);
  const grid = [0, 0.25, 0.5, 0.75, 0.85, 1]
    .map((r) => `<line x1="${left}" x2="${width - right}" y1="${y(r)}" y2="${y(r)}" stroke="#ddd"/><text x="${left - 6}" y="${y(r) + 4}" font-size="11" text-anchor="end">${Math.round(r * 100)}%</text>`)
    .join('');
  const ticks = Array.from({ length: n }, (_, k) => k + 1)
    .filter((i) => i === 1 || i % 5 === 0)
    .map((i) => `<text x="${x(i)}" y="${height - bottom + 16}" font-size="11" text-anchor="middle">${i}</text>`)
    .join('');
  const lines = series
    .map((s, k) => {
      const points = s.rates.map((r, i) => (i >= 1 && Number.isFinite(r) ? `${x(i).toFixed(1)},${y(r).toFixed(1)}` : '')).filter(Boolean).join(' ');
      return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points}"/><text x="${width - right + 8}" y="${top + 16 + k * 18}" font-size="12" fill="${s.color}">${s.name}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${left}" y="18" font-size="13">${title}</text>
${grid}${ticks}
<line x1="${x(changeAt)}" x2="${x(changeAt)}" y1="${top}" y2="${height - bottom}" stroke="#999" stroke-dasharray="4 3"/>
<text x="${x(changeAt) + 4}" y="${top + 12}" font-size="11" fill="#666">preference changes</text>
<text x="${(left + width - right) / 2}" y="${height - 4}" font-size="12" text-anchor="middle">interaction</text>
${lines}
</svg>
`;
}
