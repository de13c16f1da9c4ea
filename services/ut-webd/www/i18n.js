// The pages' words in the reader's language, from the node's gettext catalogues (the "web",
// "value" and "report" contexts, served by ut-webd as /i18n/<locale>.json): the account's language
// once signed in, the node's before.
let words = { web: {}, value: {}, report: {} };
export let locale = "en";

export async function useLocale(l) {
  const r = await fetch(`/i18n/${l || "node"}.json`);
  if (!r.ok) return;
  words = await r.json();
  locale = words.locale;
  document.documentElement.lang = locale;
  for (const e of document.querySelectorAll("[data-t]")) e.textContent = t(e.dataset.t);
}

// A word of the pages (its msgid in English).
export function t(msgid) {
  return words.web[msgid] || msgid;
}

// A value word of the protocol (open, confirmed, safety ...).
export function tw(word) {
  return words.value[word] || word;
}

// A report's label (its msgid in English): the same words as utctl's report tables.
export function tr(msgid) {
  return words.report[msgid] || msgid;
}
