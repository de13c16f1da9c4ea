// The dashboard, the first page after sign-in: the year's plan fulfilment and coverage against the
// target (charts, with the figures utctl's reports give), the classes of this week, the notices of
// the year, the children that are stale or never reported, and which daemons of the node answer.
import { t, tr, tw } from "/i18n.js";
import { call, rows, showOnly, state, when } from "/api.js";
import { barChart, colours, coverageCols, empty, fulfilmentCols, groupLabel, groups, figureTable, shown, value }
  from "/figures.js";

const $ = (id) => document.getElementById(id);

// A list of "label: value" pairs, each value in a <b> with its key for the tests.
function facts(dl, items) {
  dl.replaceChildren(...items.flatMap(([key, label, v]) => {
    const dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = label;
    dd.textContent = v;
    dd.dataset.key = key;
    return [dt, dd];
  }));
}

async function fulfilment() {
  const r = await call("report", "fulfilment", { words: [] });
  $("dash-year").textContent = r.year;
  const g = groups(r.cells || []);
  const kept = g.rows.filter((x) => !empty(x.metrics, fulfilmentCols))
    .map((x) => ({ ...x, label: groupLabel(x.group) }));
  const [cpct, ppct] = ["classes_pct", "participations_pct"].map((k) => fulfilmentCols.find((c) => c.key === k));
  barChart($("dash-fulfilment-chart"), kept.map((x) => x.label), [
    { label: tr(cpct.label), data: kept.map((x) => value(cpct, x.metrics)) },
    { label: tr(ppct.label), data: kept.map((x) => value(ppct, x.metrics)) },
  ], { percent: true });
  $("dash-fulfilment-none").hidden = kept.length > 0;
  figureTable($("dash-fulfilment-table"), tr("Category"), kept, fulfilmentCols, g.total);
}

async function coverage() {
  const r = await call("report", "coverage", { words: [] });
  const target = (r.cells || []).find((x) => x.metric === "coverage_target");
  const g = groups((r.cells || []).filter((x) => x.metric !== "coverage_target"));
  const pick = (key) => coverageCols.find((c) => c.key === key);
  const bars = ["ft_pct", "pt_pct", "cumulative_pct"].map(pick);
  const labels = bars.map((c) => tr(c.label)), data = bars.map((c) => value(c, g.total));
  if (target) {
    labels.push(tr("Coverage target by the end of the year"));
    data.push(target.value);
  }
  barChart($("dash-coverage-chart"), labels, [{
    label: tr("Coverage"), data,
    colour: data.map((_, i) => (target && i === data.length - 1 ? colours[5] : colours[i])),
  }], { percent: true, horizontal: true });
  facts($("dash-coverage-facts"), [
    ...coverageCols.map((c) => [c.key, tr(c.label), shown(c, value(c, g.total))]),
    ["coverage_target", tr("Coverage target by the end of the year"), target ? `${target.value}%` : "-"],
  ]);
}

// A day on the node's clock, YYYY-MM-DD (of a Date).
const dayOf = (d) => new Intl.DateTimeFormat("en-CA", { timeZone: state.session.timezone }).format(d);

// Monday to Sunday of this week on the node's clock.
function thisWeek() {
  const [y, m, d] = dayOf(new Date()).split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  const monday = new Date(day - ((day.getUTCDay() + 6) % 7) * 86400000);
  const iso = (x) => x.toISOString().slice(0, 10);
  return [iso(monday), iso(new Date(+monday + 6 * 86400000))];
}

async function week() {
  const [from, to] = thisWeek();
  const list = await call("class", "list", { words: ["--from", from, "--to", to] });
  rows($("dash-week").tBodies[0], list.classes, (c) => {
    const a = document.createElement("a");
    a.href = `#/class/${c.id}`;
    a.textContent = c.title;
    // the class's first session in the week (the node answered which classes meet in it)
    const inWeek = c.sessions.map((s) => s.starts_at).filter((s) => {
      const d = dayOf(new Date(s * 1000));
      return d >= from && d <= to;
    });
    return [a, inWeek.length ? when(Math.min(...inWeek)) : "-", tw(c.state), c.capacity];
  });
  $("dash-week-none").hidden = list.classes.length > 0;
}

// Notices of the year (the attendance report counts those sent and dead-lettered, reminders among
// them); the dead letters the log holds now (the first page of it: "1000+" beyond).
async function notices() {
  const [r, dead] = await Promise.all([
    call("report", "attendance", { words: [] }),
    call("notify", "log", { words: ["--status", "dead", "--limit", "1000"] }),
  ]);
  const g = groups(r.cells || []).total, n = (v) => new Intl.NumberFormat(document.documentElement.lang).format(v);
  const nd = (dead.deliveries || []).length;
  facts($("dash-notices-facts"), [
    ["sent", t("Sent this year"), n((g.notices_sent || 0) + (g.reminders_sent || 0))],
    ["failed", t("Failed this year"), n((g.notices_failed || 0) + (g.reminders_failed || 0))],
    ["dead", t("Dead letters in the log"), nd >= 1000 ? `${n(1000)}+` : n(nd)],
  ]);
}

// Children that sent nothing for too long ([report] stale_after_s) or never.
async function children() {
  const f = await call("report", "federation", { words: [] });
  const kids = f.children || [], stale = kids.filter((c) => c.stale);
  $("dash-children-said").textContent = !kids.length ? t("This node has no children.")
    : !stale.length ? t("Every child has reported recently.")
    : `${t("Stale or never reported")}: ${stale.length} / ${kids.length}`;
  const ul = $("dash-children-list");
  ul.replaceChildren(...stale.map((c) => {
    const li = document.createElement("li");
    li.textContent = `${c.node} — ${c.received_ms ? `${t("last report")} ${when(c.received_ms / 1000)}` : tr("never")}`;
    li.dataset.node = c.node;
    return li;
  }));
}

// The node's daemons, from `node status` (asked of each at once), and under them ut-notifyd's
// delivery workers (up while their heartbeat is fresh) with what an operator must hear: no
// worker running, no channel beyond the spool.
async function daemons() {
  const s = await call("node", "status", {});
  const up = (s.daemons || []).filter((d) => d.state === "up").length;
  $("dash-daemons-said").textContent = `${t("Daemons up")}: ${up} / ${(s.daemons || []).length}`;
  const item = (text, cls) => {
    const li = document.createElement("li");
    li.textContent = text;
    if (cls) li.className = cls;
    return li;
  };
  const down = (s.daemons || []).filter((d) => d.state !== "up").map((d) => item(`${d.daemon}: ${tw(d.state)}`));
  const notifyd = (s.daemons || []).find((d) => d.daemon === "ut-notifyd" && d.status);
  const delivery = notifyd && notifyd.status.delivery;
  const workers = $("dash-workers");
  workers.hidden = !delivery;
  if (delivery) {
    const all = delivery.workers || [];
    const live = all.filter((w) => w.state === "up").length;
    workers.textContent = `${t("Delivery workers up")}: ${live} / ${all.length}`;
    if (!live) down.push(item(t("No delivery worker is running: notices wait in the queue."), "warn"));
    if (!(delivery.channels || []).some((c) => c !== "spool"))
      down.push(item(t("No email or webhook channel is configured: notices go to the spool directory only."), "warn"));
  }
  $("dash-daemons-down").replaceChildren(...down);
}

// Each part on its own: one that fails says so in its place, the others still show.
export async function dashboard() {
  showOnly("dashboard");
  const parts = [["dash-fulfilment", fulfilment], ["dash-coverage", coverage], ["dash-week-part", week],
    ["dash-notices", notices], ["dash-children", children], ["dash-daemons", daemons]];
  await Promise.all(parts.map(async ([id, part]) => {
    const said = $(id).querySelector(".failed");
    said.textContent = "";
    try {
      await part();
    } catch (err) {
      if (err.status === 401) throw err;
      said.textContent = err.message;
    }
  }));
}
