// The HTML report in a real headless browser (issue 14, point 3).
//
// Usage: node tests/html/check.mjs REPORT.html SCREENSHOT_PREFIX TOOLS_DIR
//
// TOOLS_DIR holds node_modules/playwright-core (tests/html_report.rs and
// .ci/run install it into target/html-tools). The browser is the
// distribution's Chromium (CHROMIUM, default /usr/bin/chromium), offline.
//
// Checks, with JavaScript on: no console error or warning, no page error,
// no request other than the file itself; the script ran (the count of
// shown cases); unchecking the PASS filter hides exactly the passing cases;
// "Expand failures" opens exactly the failing cases. With JavaScript off:
// every case is visible, and the PASS filter still hides the passing cases
// (CSS :has()). Writes SCREENSHOT_PREFIX-top.png (the first screen) and
// SCREENSHOT_PREFIX-full.png (the whole page, PASS hidden, failures open).
// Prints one line `html check: {...}` and exits 1 on any problem.

import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [reportPath, shotPrefix, toolsDir] = process.argv.slice(2);
if (!reportPath || !shotPrefix || !toolsDir) {
  console.error("usage: node check.mjs REPORT.html SCREENSHOT_PREFIX TOOLS_DIR");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(toolsDir), "package.json"));
const { chromium } = require("playwright-core");

const url = pathToFileURL(path.resolve(reportPath)).href;
const problems = [];
const result = { url, problems };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  timeout: 60_000,
});

/** A page that records console messages, page errors and requests. */
async function open(javaScriptEnabled) {
  const context = await browser.newContext({
    javaScriptEnabled,
    offline: true,
    viewport: { width: 1280, height: 1000 },
  });
  const page = await context.newPage();
  const tag = javaScriptEnabled ? "js" : "no-js";
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") {
      problems.push(`${tag} console ${msg.type()}: ${msg.text()}`);
    }
  });
  page.on("pageerror", (err) => problems.push(`${tag} page error: ${err.message}`));
  page.on("request", (req) => {
    if (req.url() !== url) {
      problems.push(`${tag} request for ${req.url()}`);
    }
  });
  page.on("requestfailed", (req) => problems.push(`${tag} request failed: ${req.url()}`));
  await page.goto(url, { waitUntil: "load", timeout: 30_000 });
  return { context, page };
}

/** Ids of the cases that are displayed / open, by outcome. */
function visible(page) {
  return page.evaluate(() => {
    const all = Array.from(document.querySelectorAll("details.case"));
    const shown = all.filter((c) => c.getClientRects().length > 0);
    const by = (list, o) => list.filter((c) => c.dataset.outcome === o).length;
    return {
      total: all.length,
      shown: shown.length,
      shownPass: by(shown, "pass"),
      pass: by(all, "pass"),
      fail: by(all, "fail"),
      open: all.filter((c) => c.open).map((c) => c.dataset.outcome),
      svgs: document.querySelectorAll("svg.chart").length,
      shownText: document.getElementById("shown")?.textContent ?? "",
    };
  });
}

try {
  // JavaScript on.
  const { context, page } = await open(true);
  const before = await visible(page);
  result.cases = before.total;
  result.charts = before.svgs;
  result.outcomes = { pass: before.pass, fail: before.fail };
  if (before.total === 0) problems.push("no case in the page");
  if (before.shown !== before.total) problems.push(`only ${before.shown} of ${before.total} cases visible at first`);
  if (!before.shownText.includes(`${before.total} of ${before.total}`)) {
    problems.push(`the script did not run: #shown is "${before.shownText}"`);
  }
  await page.screenshot({ path: `${shotPrefix}-top.png` });
  await page.click("label[for=show-pass]");
  const filtered = await visible(page);
  result.afterPassFilter = filtered.shownText;
  if (filtered.shownPass !== 0) problems.push(`${filtered.shownPass} passing cases still shown after unchecking PASS`);
  if (filtered.shown !== before.total - before.pass) {
    problems.push(`after unchecking PASS ${filtered.shown} shown, expected ${before.total - before.pass}`);
  }
  await page.click("#expand-failures");
  const expanded = await visible(page);
  const openFail = expanded.open.filter((o) => o === "fail").length;
  if (openFail !== before.fail) problems.push(`Expand failures opened ${openFail} of ${before.fail} failing cases`);
  result.openAfterExpandFailures = expanded.open.length;
  await page.screenshot({ path: `${shotPrefix}-full.png`, fullPage: true });
  await context.close();

  // JavaScript off: everything visible, the CSS filter still works.
  const nojs = await open(false);
  const plain = await visible(nojs.page);
  if (plain.shown !== plain.total) problems.push(`without JS only ${plain.shown} of ${plain.total} cases visible`);
  const buttons = await nojs.page.evaluate(
    () => Array.from(document.querySelectorAll("button")).filter((b) => b.getClientRects().length > 0).length,
  );
  if (buttons !== 0) problems.push(`without JS ${buttons} (useless) buttons are visible`);
  await nojs.page.click("label[for=show-pass]");
  const plainFiltered = await visible(nojs.page);
  if (plainFiltered.shownPass !== 0) problems.push(`without JS ${plainFiltered.shownPass} passing cases still shown after unchecking PASS`);
  result.noJsAfterPassFilter = `${plainFiltered.shown} of ${plainFiltered.total} shown`;
  await nojs.context.close();
} catch (e) {
  problems.push(`exception: ${e && e.stack ? e.stack : e}`);
} finally {
  await browser.close();
}
result.screenshots = [`${shotPrefix}-top.png`, `${shotPrefix}-full.png`];
console.log(`html check: ${JSON.stringify(result)}`);
process.exit(problems.length === 0 ? 0 : 1);
