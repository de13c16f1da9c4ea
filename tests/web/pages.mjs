// The console's pages in a real browser: Debian's chromium driven by playwright-core. For each
// account given, sign in through the form, check that every word shown is in the account's
// language (no English msgid of the pages, no English value word), keep a screenshot, sign out.
// An account with a fifth field (names or ids, comma-separated) also opens the class and enrols them
// by pasting them, one a line.
// A sixth field (a class id) takes the roll-call of that class's first session on the tablet: the
// first cadre tapped twice (late), the second once (present).
//   node pages.mjs BASE OUTDIR NAME:PASSWORD:LOCALE:TITLE[:ENROL[:ROLLCALL_CLASS]]...
// Prints "ok - ..." or "FAIL - ..." per check; exits 1 on a failure.
import { chromium } from "playwright-core";

const [base, outdir, ...accounts] = process.argv.slice(2);
let failed = 0;
const say = (good, what, detail = "") => {
  if (!good) failed++;
  console.log(`${good ? "ok" : "FAIL"} - ${what}${!good && detail ? ": " + detail : ""}`);
};

// English words of the pages and of the protocol that must not show in another language.
async function englishOf(page) {
  const en = await (await page.request.get(`${base}/i18n/en.json`)).json();
  return [...Object.keys(en.web), ...Object.keys(en.value)];
}

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  for (const a of accounts) {
    const [name, password, locale, title, enrol, rollClass] = a.split(":");
    // the node's self-signed certificate: a browser warns once, the test accepts it
    const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true,
                                               ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(base + "/");
    await page.locator("#login").waitFor({ state: "visible", timeout: 15000 });
    await page.fill("input[name=name]", name);
    await page.fill("input[name=password]", password);
    await page.click("#login button");
    // the dashboard first, the classes a link away
    await page.locator("#dashboard").waitFor({ state: "visible", timeout: 15000 });
    await page.click("#nav a[href='#/classes']");
    await page.locator("#classes").waitFor({ state: "visible", timeout: 15000 });
    await page.locator("#classes tbody tr").first().waitFor({ timeout: 15000 });
    await page.screenshot({ path: `${outdir}/classes-${locale}.png`, fullPage: true });
    say(await page.evaluate(() => document.documentElement.lang) === locale, `${locale}: the page speaks the account's language`);
    const text = (await page.locator("body").innerText()).replaceAll(title, "").replaceAll(name, "");
    if (locale !== "en") {
      const english = (await englishOf(page)).filter((w) => w.length > 2 && new RegExp(`\\b${w}\\b`).test(text));
      say(english.length === 0, `${locale}: no English word outside names`, english.join(", "));
    }
    const words = await (await page.request.get(`${base}/i18n/${locale}.json`)).json();
    const state = await page.locator("#classes tbody tr td").nth(3).innerText();
    say(Object.values(words.value).includes(state), `${locale}: the class's state is a word of the catalogue`, state);
    say((await page.locator("#classes tbody").innerText()).includes(title), `${locale}: the class is listed`);
    if (enrol) {
      const names = enrol.split(",");
      await page.click(`#classes tbody a:text("${title}")`);
      await page.locator("#class").waitFor({ state: "visible", timeout: 15000 });
      say((await page.locator("#sessions tbody tr").count()) === 1, `${locale}: the class page shows its session`);
      await page.fill("#enrol-list", names.join("\n"));
      await page.click("#enrol button");
      await page.locator("#enrol-said").filter({ hasText: /\d/ }).waitFor({ timeout: 15000 });
      await page.locator("#roster tbody tr").nth(names.length - 2).waitFor({ timeout: 15000 });
      const roster = await page.locator("#roster tbody").innerText();
      say((await page.locator("#roster tbody tr").count()) === names.length - 1,
        `${locale}: the pasted names and ids are enrolled`, roster);
      say((await page.locator("#enrol-notes").innerText()).includes(names[names.length - 1]),
        `${locale}: the unknown name is said`, await page.locator("#enrol-notes").innerText());
      await page.screenshot({ path: `${outdir}/class-${locale}.png`, fullPage: true });
      const text2 = (await page.locator("body").innerText()).replaceAll(title, "");
      const english = (await englishOf(page)).filter((w) => w.length > 2 && new RegExp(`\\b${w}\\b`).test(text2));
      say(english.length === 0, `${locale}: no English word on the class page`, english.join(", "));
    }
    if (rollClass) {
      await page.goto(`${base}/#/rollcall/${rollClass}/1`);
      await page.locator("#rollcall").waitFor({ state: "visible", timeout: 15000 });
      const buttons = page.locator("#rollcall-list button");
      await buttons.first().waitFor({ timeout: 15000 });
      await buttons.nth(0).tap();
      await page.locator('#rollcall-list button[data-mark="present"]').first().waitFor({ timeout: 15000 });
      await buttons.nth(0).tap();
      await page.locator('#rollcall-list button[data-mark="late"]').waitFor({ timeout: 15000 });
      await buttons.nth(1).tap();
      await page.locator('#rollcall-list button[data-mark="present"]').waitFor({ timeout: 15000 });
      const counts = await page.locator("#rollcall-counts").innerText();
      const words = await (await page.request.get(`${base}/i18n/${locale}.json`)).json();
      say(counts.includes(`${words.value.present} 1`) && counts.includes(`${words.value.late} 1`),
        `${locale}: the roll-call counts follow the taps`, counts);
      await page.fill("#rollcall-search", "zzz-nobody");
      say((await page.locator("#rollcall-list li:not([hidden])").count()) === 0, `${locale}: the search hides the others`);
      await page.fill("#rollcall-search", "");
      await page.screenshot({ path: `${outdir}/rollcall-${locale}.png`, fullPage: true });
      // the sign-in sheet of the same session, printed to PDF as a browser prints it
      await page.goto(`${base}/#/sheet/${rollClass}/1`);
      await page.locator("#sheet tbody tr").first().waitFor({ timeout: 15000 });
      await page.emulateMedia({ media: "print" });
      await page.pdf({ path: `${outdir}/sheet-${locale}.pdf`, format: "A4", printBackground: true });
      await page.emulateMedia({ media: "screen" });
      say(true, `${locale}: the sign-in sheet printed to PDF`);
    }
    say(errors.length === 0, `${locale}: no script error`, errors.join("; "));
    await page.click("#logout");
    await page.locator("#login").waitFor({ state: "visible", timeout: 15000 });
    say(true, `${locale}: signed out`);
    await context.close();
  }
} catch (e) {
  say(false, "the pages", String(e));
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
