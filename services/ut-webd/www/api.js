// What every page of the console shares: the signed-in session, the call of a command-table row
// (POST /api/<noun>/<verb> with the request as JSON or utctl's words, and the session's CSRF
// token), times on the node's clock, table rows, and showing one page's section.
import { t } from "/i18n.js";

export const state = { session: null };

export async function api(path, body = {}) {
  const r = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": state.session ? state.session.csrf : "" },
    body: JSON.stringify(body),
  });
  const j = await r.json();
  if (!r.ok) throw Object.assign(new Error(j.text || refusal(j.error) || j.message), { status: r.status, reply: j });
  return j;
}

// ut-webd's own refusals (a daemon's come with their text in the reader's words).
function refusal(kind) {
  return {
    csrf: t("The page is out of date: reload it."),
    forbidden: t("Your role may not do this."),
    not_signed_in: t("You are signed out: sign in again."),
    too_large: t("This is too large to send at once."),
    unavailable: t("The node is not answering: try again in a moment."),
  }[kind];
}

export const call = (noun, verb, body) => api(`/api/${noun}/${verb}`, body);

// Unix seconds on the node's clock.
export function when(s) {
  if (!s) return "-";
  return new Date(s * 1000).toLocaleString(document.documentElement.lang, {
    timeZone: state.session.timezone, dateStyle: "medium", timeStyle: "short" });
}

// Fill a tbody: one row per item, its cells from cells(item) (text, or a node to put in).
export function rows(tbody, items, cells) {
  tbody.replaceChildren(...items.map((item) => {
    const tr = document.createElement("tr");
    for (const v of cells(item)) {
      const td = document.createElement("td");
      if (v instanceof Node) td.append(v); else td.textContent = v;
      tr.append(td);
    }
    return tr;
  }));
}

// Show the page whose <section> has this id, hide every other.
export function showOnly(id) {
  for (const s of document.querySelectorAll("main > section, main > form")) s.hidden = s.id !== id;
}
