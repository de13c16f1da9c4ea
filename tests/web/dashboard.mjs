// The dashboard and the federation page in a real browser (Debian's chromium, playwright-core):
// for each account, sign in, wait for every part of the dashboard, check that the charts are drawn
// by Chart.js as the node serves it and that nothing comes from elsewhere, that the figures are
// utctl's (EXPECTED: a JSON file the test wrote from utctl --json), that every word is in the
// account's language; screenshots at tablet, phone and desktop sizes; the first visit's bytes.
//   node dashboard.mjs BASE OUTDIR EXPECTED.json STRIP NAME:PASSWORD:LOCALE...
// STRIP: comma-separated names (node ids, titles) left out of the English-word check.
// Prints "ok - ...", "FAIL - ..." and "info - ..." lines; exits 1 on a failure.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const [base, outdir, expectedFile, strip, ...accounts] = process.argv.slice(2);
const expected = JSON.parse(readFileSync(expectedFile, "utf8"));
let failed = 0;
const say = (good, what, detail = "") => {
  if (!good) failed++;
  console.log(`${good ? "ok" : "FAIL"} - ${what}${!good && detail ? ": " + detail : ""}`);
};
const digits = (s) => (s === "-" ? null : Number(String(s).replace(/[^\d]/g, "")));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

async function english(page, text) {
  const e = await (await page.request.get(`${base}/i18n/en.json`)).json();
  for (const n of strip.split(",")) text = text.replaceAll(n, "");
  return [...Object.keys(e.web), ...Object.keys(e.value), ...Object.keys(e.report)]
    .filter((w) => w.length > 2 && new RegExp(`(^|[^\\p{L}])${w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\p{L}])`, "u").test(text));
}

// Pixels a canvas has drawn (not transparent).
const drawn = (page, sel) => page.evaluate((s) => {
  const c = document.querySelector(s), d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
  return n;
}, sel);

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  for (const [k, a] of accounts.entries()) {
    const [name, password, locale] = a.split(":");
    const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const errors = [], foreign = [];
    let chartjs = 0;
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => { if (!r.url().startsWith(base)) foreign.push(r.url()); });
    page.on("response", (r) => { if (r.url() === `${base}/lib/chart.js` && r.status() === 200) chartjs++; });
    await page.goto(base + "/");
    await page.locator("#login").waitFor({ state: "visible", timeout: 15000 });
    await page.fill("input[name=name]", name);
    await page.fill("input[name=password]", password);
    await page.click("#login button");
    await page.locator("#dashboard").waitFor({ state: "visible", timeout: 15000 });
    await page.locator("#dash-fulfilment-table tbody tr.total").waitFor({ timeout: 15000 });
    await page.locator("#dash-coverage-facts dd").first().waitFor({ timeout: 15000 });
    await page.locator("#dash-notices-facts dd").first().waitFor({ timeout: 15000 });
    await page.locator("#dash-children-said").filter({ hasText: /./ }).waitFor({ timeout: 15000 });
    await page.locator("#dash-daemons-said").filter({ hasText: /\d/ }).waitFor({ timeout: 15000 });
    await page.waitForLoadState("networkidle");
    if (k === 0) {
      // every body the browser received, as sent (the node does not compress)
      const sizes = await page.evaluate(() => [...performance.getEntriesByType("navigation"),
        ...performance.getEntriesByType("resource")].map((e) => [e.name, e.decodedBodySize]));
      const total = sizes.reduce((a, [, n]) => a + n, 0);
      console.log(`info - first visit of the dashboard (sign-in page, sign-in, dashboard): ${total} bytes in ${sizes.length} responses`);
      for (const [u, n] of sizes) console.log(`info -   ${n} ${u.replace(base, "")}`);
    }
    say(await page.evaluate(() => document.documentElement.lang) === locale, `${locale}: the dashboard speaks the account's language`);
    say(chartjs === 1 && await page.evaluate(() => globalThis.Chart?.version) === "3.9.1",
      `${locale}: Chart.js 3.9.1 loaded from the node`, `${chartjs} loads`);
    say(foreign.length === 0, `${locale}: nothing loaded from outside the node`, foreign.join(" "));
    for (const c of ["#dash-fulfilment-chart", "#dash-coverage-chart"])
      say(await drawn(page, c) > 1000, `${locale}: ${c} is drawn`);
    say(await page.locator(".failed:not(:empty)").count() === 0, `${locale}: every part answered`,
      await page.locator(".failed").allInnerTexts());

    // the figures are utctl's
    const cells = async (sel) => Object.fromEntries(await page.locator(`${sel} [data-key]`).evaluateAll(
      (es) => es.map((e) => [e.dataset.key, e.textContent])));
    const ful = await cells("#dash-fulfilment-table tr.total");
    say(same(Object.fromEntries(Object.entries(ful).map(([k, v]) => [k, digits(v)])), expected.fulfilment),
      `${locale}: the fulfilment total is utctl's`, JSON.stringify(ful));
    const cov = await cells("#dash-coverage-facts");
    say(same(Object.fromEntries(Object.entries(cov).map(([k, v]) => [k, digits(v)])), expected.coverage),
      `${locale}: the coverage is utctl's`, JSON.stringify(cov));
    const not = await cells("#dash-notices-facts");
    say(same(Object.fromEntries(Object.entries(not).map(([k, v]) => [k, digits(v)])), expected.notices),
      `${locale}: the notices are utctl's`, JSON.stringify(not));
    const week = await page.locator("#dash-week tbody").innerText();
    say(expected.week.every((t) => week.includes(t)) && (await page.locator("#dash-week tbody tr").count()) === expected.week.length,
      `${locale}: this week's classes are listed`, week);
    const kids = await page.locator("#dash-children-list li").evaluateAll((es) => es.map((e) => e.dataset.node));
    say(same(kids, expected.stale), `${locale}: the stale children are named`, kids.join(","));
    // the node runs no delivery worker and has neither SMTP nor a webhook: both are said
    const workers = await page.locator("#dash-workers").innerText();
    say(/0 \/ 0$/.test(workers), `${locale}: no delivery worker up, and none listed`, workers);
    say(await page.locator("#dash-daemons-down li.warn").count() === 2,
      `${locale}: the dashboard warns of no worker and of the spool as the only channel`,
      await page.locator("#dash-daemons-down").innerText());
    const eng = locale === "en" ? [] : await english(page, await page.locator("body").innerText());
    say(eng.length === 0, `${locale}: no English word on the dashboard`, eng.join(", "));
    await page.screenshot({ path: `${outdir}/dashboard-${locale}.png`, fullPage: true });
    if (k === 0) {
      for (const [w, h, what] of [[390, 844, "phone"], [1280, 900, "desktop"]]) {
        await page.setViewportSize({ width: w, height: h });
        await page.waitForTimeout(300); // Chart.js redraws on resize
        await page.screenshot({ path: `${outdir}/dashboard-${locale}-${what}.png`, fullPage: true });
        say(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
          `${locale}: the ${what} layout fits the width`);
      }
      await page.setViewportSize({ width: 768, height: 1024 });
    }

    // the federation page
    await page.click("#nav a[href='#/federation']");
    await page.locator("#federation").waitFor({ state: "visible", timeout: 15000 });
    await page.locator("#fed-table tbody tr.total").waitFor({ timeout: 15000 });
    say(await drawn(page, "#fed-chart") > 1000, `${locale}: the federation chart is drawn`);
    const fed = await page.locator("#fed-table tbody tr").evaluateAll((trs) => trs.map((tr) => ({
      node: tr.dataset.node || "", cls: tr.className,
      v: Object.fromEntries([...tr.querySelectorAll("[data-key]")].map((e) => [e.dataset.key, e.textContent])),
    })));
    const got = fed.map((r) => Object.fromEntries(Object.entries(r.v).map(([k, v]) => [k, digits(v)])));
    say(same(got, expected.federation), `${locale}: the federation figures are utctl's`, JSON.stringify(got));
    say(same(fed.filter((r) => r.node && r.cls).map((r) => `${r.node}:${r.cls}`), expected.flags),
      `${locale}: stale and never-reported children are flagged`, JSON.stringify(fed.map((r) => r.cls)));
    const eng2 = locale === "en" ? [] : await english(page, await page.locator("body").innerText());
    say(eng2.length === 0, `${locale}: no English word on the federation page`, eng2.join(", "));
    await page.screenshot({ path: `${outdir}/federation-${locale}.png`, fullPage: true });
    say(errors.length === 0, `${locale}: no script error`, errors.join("; "));
    await context.close();
  }
} catch (e) {
  say(false, "the pages", String(e));
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
