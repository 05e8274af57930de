// The staff console's script: htmx for partial updates, Chart.js for the analytics page.
// Data reaches charts only as JSON from <script type="application/json"> (never as markup).
import htmx from "htmx.org";
import { Chart, registerables } from "chart.js";

Chart.register(...registerables);
window.htmx = htmx;

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// Every htmx write carries the session's CSRF token.
document.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-CSRF-Token"] = csrfToken();
});

const PALETTE = ["#1f5fa8", "#e07b00", "#2e8b57", "#b03060", "#6a5acd", "#708090"];

function drawCharts(root) {
  root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    if (canvas.dataset.drawn) return;
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    spec.data.datasets.forEach((set, i) => {
      const colour = PALETTE[i % PALETTE.length];
      set.backgroundColor = set.backgroundColor || (spec.type === "doughnut" ? PALETTE : colour);
      set.borderColor = set.borderColor || colour;
    });
    spec.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, spec.options || {});
    new Chart(canvas, spec);
    canvas.dataset.drawn = "1";
  });
}

document.addEventListener("DOMContentLoaded", () => {
  drawCharts(document);
  document.body.dataset.ready = "1";
});
document.addEventListener("htmx:afterSettle", (event) => drawCharts(event.target));
