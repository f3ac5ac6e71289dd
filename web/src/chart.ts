// Chart.js with only what a line chart needs (tree-shaken), in its own chunk.
import { CategoryScale, Chart, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip } from "chart.js";

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

export function drawLineChart(canvas: HTMLCanvasElement, labels: string[], series: { name: string; data: number[]; color: string }[]): Chart {
  return new Chart(canvas, {
    type: "line",
    data: { labels, datasets: series.map((s) => ({ label: s.name, data: s.data, borderColor: s.color, backgroundColor: s.color, tension: 0, pointRadius: 2 })) },
    options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
}
