/**
 * @module
 * The summary chart: one horizontal bar per vendor, split by status, drawn as inline SVG (no
 * script, no font or image to fetch), with the counts written on the bars and a legend, so it
 * reads the same on screen, in print and in a PDF. Vendor names are escaped like any other text.
 */
import { h, type SafeHtml } from "./safe.js";

export const CHART_SERIES = ["prohibited", "unsupported", "deadline", "review", "accepted"] as const;
export type ChartSeries = (typeof CHART_SERIES)[number];

const COLOURS: Record<ChartSeries, string> = {
  prohibited: "#b3261e",
  unsupported: "#c2410c",
  deadline: "#a16207",
  review: "#4b5563",
  accepted: "#2e7d32",
};

const LABELS: Record<ChartSeries, string> = {
  prohibited: "prohibited",
  unsupported: "unsupported",
  deadline: "deadline",
  review: "review",
  accepted: "accepted exception",
};

export type ChartRow = { label: string; counts: Partial<Record<ChartSeries, number>> };

export function statusByVendorChart(rows: readonly ChartRow[], title: string): SafeHtml {
  const labelWidth = 170;
  const barWidth = 440;
  const rowHeight = 26;
  const top = 8;
  const max = Math.max(1, ...rows.map((r) => CHART_SERIES.reduce((n, s) => n + (r.counts[s] ?? 0), 0)));
  const legendY = top + rows.length * rowHeight + 14;
  const height = legendY + 22;
  const width = labelWidth + barWidth + 60;
  const bars = rows.map((row, i) => {
    const y = top + i * rowHeight;
    let x = labelWidth;
    const total = CHART_SERIES.reduce((n, s) => n + (row.counts[s] ?? 0), 0);
    const segments = CHART_SERIES.filter((s) => (row.counts[s] ?? 0) > 0).map((s) => {
      const n = row.counts[s]!;
      const w = (n / max) * barWidth;
      const seg = h`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowHeight - 8}" fill="${COLOURS[s]}"><title>${row.label}: ${n} ${LABELS[s]}</title></rect>${
        w >= 16 ? h`<text x="${(x + w / 2).toFixed(1)}" y="${y + rowHeight / 2 + 0}" text-anchor="middle" fill="#fff" font-size="11">${n}</text>` : ""
      }`;
      x += w;
      return seg;
    });
    const label = row.label.length > 26 ? `${row.label.slice(0, 25)}…` : row.label;
    return h`<text x="${labelWidth - 8}" y="${y + rowHeight / 2}" text-anchor="end" font-size="12">${label}</text>${segments}<text x="${(x + 6).toFixed(1)}" y="${y + rowHeight / 2}" font-size="11" fill="#5b6474">${total}</text>`;
  });
  let lx = labelWidth;
  const legend = CHART_SERIES.map((s) => {
    const item = h`<rect x="${lx}" y="${legendY}" width="10" height="10" fill="${COLOURS[s]}"/><text x="${lx + 14}" y="${legendY + 9}" font-size="11">${LABELS[s]}</text>`;
    lx += 28 + LABELS[s].length * 6.2;
    return item;
  });
  return h`<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 ${width} ${height}" style="max-width:${width}px" font-family="DejaVu Sans, Noto Sans CJK SC, sans-serif" dominant-baseline="middle"><title>${title}</title>${bars}${legend}</svg>`;
}
