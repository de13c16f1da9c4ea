// The console's first page: sign in, list the classes, sign out. Every call is a row of the
// command table: POST /api/<noun>/<verb> with the request as JSON and the session's CSRF token.
import { t, tw, useLocale } from "/i18n.js";

let csrf = "";

async function api(path, body = {}) {
  const r = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify(body),
  });
  const j = await r.json();
  if (!r.ok) throw Object.assign(new Error(j.message), { status: r.status, reply: j });
  return j;
}

async function show(session) {
  csrf = session.csrf;
  await useLocale(session.locale);
  document.getElementById("who").textContent = `${session.name} (${tw(session.role)})`;
  document.getElementById("login").hidden = true;
  document.getElementById("classes").hidden = false;
  await loadClasses();
}

async function loadClasses() {
  const list = await api("/api/class/list", {});
  const body = document.querySelector("#classes tbody");
  body.replaceChildren(...list.classes.map((c) => {
    const tr = document.createElement("tr");
    for (const v of [c.id, c.title, tw(c.state), c.capacity]) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.append(td);
    }
    return tr;
  }));
}

document.getElementById("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  try {
    await show(await api("/api/login", { name: f.get("name"), password: f.get("password") }));
  } catch (err) {
    document.getElementById("login-error").textContent =
      err.status === 429 ? t("Too many failed sign-ins: try again in a few minutes.")
                         : t("Wrong account name or password.");
  }
});

document.getElementById("logout").addEventListener("click", async () => {
  await api("/api/logout");
  location.reload();
});

await useLocale("");
api("/api/session").then(show, () => { document.getElementById("login").hidden = false; });
