// The federation page: this node and each child side by side, with the figures of their latest
// snapshots (`report federation`, as utctl shows it), stale and never-reported children flagged,
// and the subtree's total; a chart of each node's fulfilment and coverage.
import { t, tr } from "/i18n.js";
import { call, showOnly, when } from "/api.js";
import { barChart, federationCols, figureTable, groups, value } from "/figures.js";

const $ = (id) => document.getElementById(id);

export async function federation() {
  const f = await call("report", "federation", { words: [] });
  $("fed-year").textContent = f.year;
  const metrics = (cells) => groups(cells || []).total;
  const own = { group: f.node, label: `${f.node} (${tr("This node")})`, metrics: metrics(f.own) };
  const kids = (f.children || []).map((c) => ({ group: c.node, label: c.node, metrics: metrics(c.cells), child: c }));
  const all = [own, ...kids], total = {};
  for (const r of all) for (const [k, v] of Object.entries(r.metrics)) total[k] = (total[k] || 0) + v;

  // the snapshot's columns before the figures: its number, when it came, whether it is stale
  const table = $("fed-table");
  figureTable(table, tr("Node"), all, federationCols, total);
  const head = table.tHead.rows[0];
  for (const [i, h] of [tr("Snapshot"), tr("Received"), tr("Stale")].entries()) {
    const th = document.createElement("th");
    th.textContent = h;
    head.insertBefore(th, head.cells[1 + i]);
  }
  for (const [i, tr_] of [...table.tBodies[0].rows].entries()) {
    const c = all[i]?.child;
    const cells = !c ? ["", "", ""]
      : [String(c.seq), c.received_ms ? when(c.received_ms / 1000) : tr("never"), tr(c.stale ? "yes" : "no")];
    cells.forEach((v, k) => {
      const td = document.createElement("td");
      td.textContent = v;
      tr_.insertBefore(td, tr_.cells[1 + k]);
    });
    if (c) {
      tr_.dataset.node = c.node;
      if (c.stale) tr_.classList.add(c.received_ms ? "stale" : "never");
    }
  }
  const stale = kids.filter((k) => k.child.stale);
  $("fed-said").textContent = !kids.length ? t("This node has no children.")
    : !stale.length ? t("Every child has reported recently.")
    : `${t("Stale or never reported")}: ${stale.map((k) => k.group).join(", ")}`;

  const pick = (key) => federationCols.find((c) => c.key === key);
  const shown = ["classes_pct", "participations_pct", "coverage_pct"].map(pick);
  barChart($("fed-chart"), all.map((r) => (r === own ? `${f.node} (${tr("This node")})` : r.group)),
    shown.map((c) => ({ label: tr(c.label), data: all.map((r) => value(c, r.metrics)) })), { percent: true });
  showOnly("federation");
}
