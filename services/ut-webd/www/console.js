// The console's pages: sign in, the classes, a class with its sessions and roster, enrolment by a
// pasted list of names, roll-call at the door, the sign-in sheet; the dashboard (the first page)
// and the federation are modules of their own. A page of its own module adds a line to the routes.
import { t, tw, useLocale } from "/i18n.js";
import { api, call, rows, showOnly, state, when } from "/api.js";
import { dashboard } from "/dashboard.js";
import { federation } from "/federation.js";

async function classes() {
  const list = await call("class", "list", {});
  rows(document.querySelector("#classes tbody"), list.classes, (c) => {
    const a = document.createElement("a");
    a.href = `#/class/${c.id}`;
    a.textContent = c.title;
    const first = Math.min(...c.sessions.map((x) => x.starts_at));
    return [c.id, a, c.sessions.length ? when(first) : "-", tw(c.state), c.capacity];
  });
  showOnly("classes");
}

async function klass(id) {
  const c = await call("class", "show", { words: [id] });
  document.getElementById("class-title").textContent = c.title;
  document.getElementById("class-facts").textContent =
    [tw(c.state), tw(c.category), tw(c.level), tw(c.format)].join(" · ");
  rows(document.querySelector("#sessions tbody"), c.sessions, (s) => [
    c.sessions.indexOf(s) + 1, when(s.starts_at), s.venue_name || "-", s.lecturer_name || "-"]);
  await roster(id);
  const links = document.getElementById("rollcall-links");
  links.replaceChildren(...c.sessions.flatMap((s, i) => [["rollcall", t("Roll-call")], ["sheet", t("Sign-in sheet")]]
    .map(([page, label]) => {
      const a = document.createElement("a");
      a.href = `#/${page}/${id}/${i + 1}`;
      a.className = "button";
      a.textContent = `${label} ${i + 1}`;
      return a;
    })));
  links.hidden = state.session.role === "viewer";
  document.getElementById("enrol").dataset.class = id;
  document.getElementById("enrol").hidden = state.session.role === "viewer" || state.session.role === "lecturer";
  showOnly("class");
}

async function roster(id) {
  const l = await call("enrol", "list", { words: ["--class", String(id)] });
  const live = l.enrolments.filter((e) => e.state !== "cancelled");
  rows(document.querySelector("#roster tbody"), live, (e) => [
    e.cadre_name || e.cadre_id, e.unit_code, tw(e.state), e.waitlist_pos || ""]);
  document.getElementById("seats").textContent = `${l.confirmed} / ${l.capacity}`;
}

document.getElementById("enrol").addEventListener("submit", async (e) => {
  e.preventDefault();
  const id = e.target.dataset.class, list = document.getElementById("enrol-list").value;
  const said = document.getElementById("enrol-said"), notes = document.getElementById("enrol-notes");
  try {
    const file = t("the pasted list"); // how the node's notes name it ("the pasted list line 3: ...")
    const r = await call("enrol", "bulk", { words: [id, "--file", file], files: { [file]: list } });
    said.textContent = `${t("Confirmed")}: ${r.confirmed} · ${t("Waitlisted")}: ${r.waitlisted} · ${t("Refused")}: ${r.refused}`;
    const refused = r.results.filter((x) => x.status !== 0).map((x) => `${x.cadre_id}: ${x.text || x.message}`);
    notes.textContent = [r.notes || "", ...refused].filter(Boolean).join("\n");
    document.getElementById("enrol-list").value = "";
    await roster(id);
  } catch (err) {
    said.textContent = err.message;
  }
});

// The roll-call sheet of one session, for a tablet at the door: one tap cycles a cadre's mark
// present -> late -> excused -> absent, each tap sent at once; live counts, a search box.
const marks = ["present", "late", "excused", "absent"];

async function rollcall(id, number) {
  const c = await call("class", "show", { words: [id] });
  const s = c.sessions[number - 1];
  document.getElementById("rollcall-back").href = `#/class/${id}`;
  document.getElementById("rollcall-title").textContent = `${c.title} · ${number}`;
  document.getElementById("rollcall-when").textContent = s ? [when(s.starts_at), s.venue_name].filter(Boolean).join(" · ") : "";
  const people = (await call("enrol", "list", { words: ["--class", id, "--state", "confirmed"] })).enrolments;
  const shown = (await call("rollcall", "show", { words: [id] })).marks
    .filter((m) => m.session_number === Number(number));
  const mark = Object.fromEntries(shown.map((m) => [m.cadre_id, m.mark]));
  const list = document.getElementById("rollcall-list"), said = document.getElementById("rollcall-said");
  const counts = () => {
    const n = Object.fromEntries(marks.map((m) => [m, 0]));
    for (const p of people) if (mark[p.cadre_id]) n[mark[p.cadre_id]]++;
    const unmarked = people.length - marks.reduce((a, m) => a + n[m], 0);
    document.getElementById("rollcall-counts").textContent =
      [...marks.map((m) => `${tw(m)} ${n[m]}`), `${t("Not marked")} ${unmarked}`].join(" · ");
  };
  list.replaceChildren(...people.map((p) => {
    const li = document.createElement("li"), b = document.createElement("button");
    li.dataset.name = `${p.cadre_name} ${p.cadre_id}`.toLowerCase();
    const label = () => { b.textContent = `${p.cadre_name || p.cadre_id} — ${mark[p.cadre_id] ? tw(mark[p.cadre_id]) : t("Not marked")}`; };
    b.dataset.cadre = p.cadre_id;
    b.dataset.mark = mark[p.cadre_id] || "";
    label();
    b.addEventListener("click", async () => {
      const next = marks[(marks.indexOf(mark[p.cadre_id]) + 1) % marks.length];
      try {
        await call("rollcall", "mark", { words: [id, String(number), `--${next}`, p.cadre_id] });
        mark[p.cadre_id] = next;
        b.dataset.mark = next;
        said.textContent = "";
      } catch (err) {
        said.textContent = err.message;
      }
      label();
      counts();
    });
    li.append(b);
    return li;
  }));
  counts();
  const search = document.getElementById("rollcall-search");
  search.placeholder = t("Search by name or id");
  search.oninput = () => {
    const q = search.value.trim().toLowerCase();
    for (const li of list.children) li.hidden = q !== "" && !li.dataset.name.includes(q);
  };
  showOnly("rollcall");
}

// The sign-in sheet of one session, to print (A4): the class, the session's time and place, every
// confirmed cadre with their unit and room to sign.
async function sheet(id, number) {
  const c = await call("class", "show", { words: [id] });
  const s = c.sessions[number - 1];
  document.getElementById("sheet-back").href = `#/class/${id}`;
  document.getElementById("sheet-title").textContent = `${c.title} · ${t("Sign-in sheet")} ${number}`;
  document.getElementById("sheet-when").textContent =
    s ? [when(s.starts_at), s.venue_name, s.venue_address].filter(Boolean).join(" · ") : "";
  const people = (await call("enrol", "list", { words: ["--class", id, "--state", "confirmed"] })).enrolments;
  rows(document.querySelector("#sheet-table tbody"), people, (p) => [
    people.indexOf(p) + 1, p.cadre_name || p.cadre_id, p.unit_code, ""]);
  document.getElementById("sheet-count").textContent = `${t("Cadres")}: ${people.length}`;
  document.getElementById("sheet-print").onclick = () => window.print();
  showOnly("sheet");
}

// The pages by address: the first pattern that matches the hash, its groups the page's arguments.
const routes = [
  [/^#\/class\/(\d+)$/, klass],
  [/^#\/rollcall\/(\d+)\/(\d+)$/, rollcall],
  [/^#\/sheet\/(\d+)\/(\d+)$/, sheet],
  [/^#\/classes$/, classes],
  [/^#\/federation$/, federation],
  [/^/, dashboard],
];

async function route() {
  if (!state.session) return showOnly("login");
  const [re, page] = routes.find(([re]) => re.test(location.hash));
  try {
    await page(...location.hash.match(re).slice(1));
  } catch (err) {
    if (err.status === 401) location.reload();
    throw err;
  }
}

async function signedIn(s) {
  state.session = s;
  await useLocale(s.locale);
  document.getElementById("who").textContent = `${s.name} (${tw(s.role)})`;
  document.getElementById("logout").hidden = false;
  document.getElementById("nav").hidden = false;
  await route();
}

document.getElementById("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  try {
    await signedIn(await api("/api/login", { name: f.get("name"), password: f.get("password") }));
  } catch (err) {
    document.getElementById("login-error").textContent =
      err.status === 429 ? t("Too many failed sign-ins: try again in a few minutes.")
                         : t("Wrong account name or password.");
  }
});

document.getElementById("logout").addEventListener("click", async () => {
  await api("/api/logout");
  location.hash = "";
  location.reload();
});

window.addEventListener("hashchange", route);
await useLocale("");
api("/api/session").then(signedIn, () => showOnly("login"));
