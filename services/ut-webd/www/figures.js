// A report's figures as utctl shows them (services/utctl/report.c): a reply's cells summed per
// group, percentages rounded half up from whole numbers, under the catalogues' report labels; and
// the charts of them, drawn by Chart.js as the node serves it (/lib/chart.js, Debian's package).
import "/lib/chart.js";
import { locale, tr } from "/i18n.js";

const Chart = globalThis.Chart;

// A column: a metric as it is, or a percentage of summed metrics (den given). label: its msgid.
const col = (key, label, num, den) => ({ key, label, num, den });
export const fulfilmentCols = [
  col("classes_planned", "Classes planned", ["classes_planned"]),
  col("classes_held", "Classes held", ["classes_held"]),
  col("classes_pct", "Classes % of plan", ["classes_held"], ["classes_planned"]),
  col("classes_cancelled", "Classes cancelled", ["classes_cancelled"]),
  col("participations_planned", "Participations planned", ["participations_planned"]),
  col("participations", "Participations", ["participations"]),
  col("participations_pct", "Participations % of plan", ["participations"], ["participations_planned"]),
];
export const coverageCols = [
  col("registered_ft", "Full-time cadres", ["registered_ft"]),
  col("trained_ft", "Full-time trained", ["trained_ft"]),
  col("ft_pct", "Full-time coverage", ["trained_ft"], ["registered_ft"]),
  col("registered_pt", "Part-time cadres", ["registered_pt"]),
  col("trained_pt", "Part-time trained", ["trained_pt"]),
  col("pt_pct", "Part-time coverage", ["trained_pt"], ["registered_pt"]),
  col("cumulative", "Trained so far", ["cumulative_ft", "cumulative_pt"]),
  col("cumulative_pct", "Coverage so far", ["cumulative_ft", "cumulative_pt"], ["registered_ft", "registered_pt"]),
];
export const federationCols = [
  col("classes_planned", "Classes planned", ["classes_planned"]),
  col("classes_held", "Classes held", ["classes_held"]),
  col("classes_pct", "Classes % of plan", ["classes_held"], ["classes_planned"]),
  col("participations_planned", "Participations planned", ["participations_planned"]),
  col("participations", "Participations", ["participations"]),
  col("participations_pct", "Participations % of plan", ["participations"], ["participations_planned"]),
  col("trained", "Cadres trained", ["trained_ft", "trained_pt"]),
  col("registered", "Cadres registered", ["registered_ft", "registered_pt"]),
  col("coverage_pct", "Coverage", ["trained_ft", "trained_pt"], ["registered_ft", "registered_pt"]),
];

// The labels of report groups (categories, unit types), as ut_report_label names them.
const groupLabels = {
  onboarding: "Onboarding", chair_rotation: "Chair rotation", finance_audit: "Finance and audit",
  information: "Information", negotiation: "Negotiation", labour_law: "Labour law", safety: "Safety",
  other: "Other", "": "Unclassified", union: "Union", enterprise: "Enterprise", school: "School",
  agency: "Agency", public_body: "Public body", social_org: "Social organisation",
};
export const groupLabel = (g) => tr(groupLabels[g] || g);

// num/den as a whole percentage rounded half up (ut_pct); null when there is nothing to compare with.
export function pct(num, den) {
  if (den <= 0) return null;
  return Math.floor((Math.max(num, 0) * 200 + den) / (2 * den));
}

// Sum of some metrics of a group ({metric: value}).
const sum = (m, metrics) => metrics.reduce((a, k) => a + (m[k] || 0), 0);

// A column's value for a group's metrics: the number, or the percentage (null: none).
export function value(c, m) {
  return c.den ? pct(sum(m, c.num), sum(m, c.den)) : sum(m, c.num);
}

// Cells [{group, label, metric, value}] into groups in their order, and the total of them all.
export function groups(cells) {
  const by = new Map(), total = {};
  for (const x of cells) {
    const g = x.group || "";
    if (!by.has(g)) by.set(g, { group: g, label: x.label || "", metrics: {} });
    const m = by.get(g).metrics;
    m[x.metric] = (m[x.metric] || 0) + (x.value || 0);
    total[x.metric] = (total[x.metric] || 0) + (x.value || 0);
  }
  return { rows: [...by.values()], total };
}

// A group shows nothing of these columns (another report's figures): utctl leaves it out.
export const empty = (m, cols) => cols.every((c) => !sum(m, c.num) && !(c.den && sum(m, c.den)));

// A number or a percentage as the reader writes it ("-" for no percentage).
export function shown(c, v) {
  if (v === null) return "-";
  const n = new Intl.NumberFormat(locale).format(v);
  return c.den ? `${n}%` : n;
}

// A table of groups: its head from the columns' labels, a row per group, the total last.
export function figureTable(table, first, rows, cols, total) {
  const head = document.createElement("tr");
  for (const h of [first, ...cols.map((c) => tr(c.label))]) {
    const th = document.createElement("th");
    th.textContent = h;
    head.append(th);
  }
  table.tHead.replaceChildren(head);
  const line = (label, m, cls) => {
    const tr_ = document.createElement("tr");
    if (cls) tr_.className = cls;
    const td = document.createElement("td");
    td.textContent = label;
    tr_.append(td);
    for (const c of cols) {
      const d = document.createElement("td");
      d.className = "num";
      d.dataset.key = c.key;
      d.textContent = shown(c, value(c, m));
      tr_.append(d);
    }
    return tr_;
  };
  table.tBodies[0].replaceChildren(...rows.map((r) => line(r.label, r.metrics)), line(tr("Total"), total, "total"));
}

// The console's colours: the header's red, then calm ones that print well.
export const colours = ["#a31f24", "#2f6f9f", "#d49a1f", "#4c8c4a", "#7a5195", "#888888"];

// A bar chart on a canvas (drawn again from scratch when the page is shown again): labels along
// one axis, a dataset per {label, data, colour}; percent: the axis in %.
export function barChart(canvas, labels, datasets, { percent = false, horizontal = false } = {}) {
  Chart.getChart(canvas)?.destroy();
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  return new Chart(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: datasets.map((d, i) => ({
        label: d.label, data: d.data, backgroundColor: d.colour || colours[i % colours.length],
      })),
    },
    options: {
      indexAxis: horizontal ? "y" : "x",
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      locale,
      scales: {
        [horizontal ? "x" : "y"]: { beginAtZero: true, ticks: percent ? { callback: (v) => `${v}%` } : {} },
      },
      plugins: {
        legend: { display: datasets.length > 1, position: "bottom" },
        tooltip: percent ? { callbacks: { label: (c) => `${c.dataset.label}: ${c.formattedValue}%` } } : {},
      },
    },
  });
}
