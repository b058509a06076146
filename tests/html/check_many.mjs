// The combined HTML report of `run --config` (several targets, each report
// in its own <iframe srcdoc>) in a real headless browser.
//
// Usage: node tests/html/check_many.mjs REPORT.html SCREENSHOT TOOLS_DIR TARGETS
//
// Checks: no console error or warning, no page error, no request other
// than the file itself; TARGETS frames, each a whole report whose script
// ran (its "n of N shown" count) and which lists cases. Writes SCREENSHOT.
// Prints one line `html many check: {...}` and exits 1 on any problem.

import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [reportPath, shot, toolsDir, targets] = process.argv.slice(2);
if (!reportPath || !shot || !toolsDir || !targets) {
  console.error("usage: node check_many.mjs REPORT.html SCREENSHOT TOOLS_DIR TARGETS");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(toolsDir), "package.json"));
const { chromium } = require("playwright-core");
const url = pathToFileURL(path.resolve(reportPath)).href;
const problems = [];
const result = { problems, frames: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  timeout: 60_000,
});
try {
  const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    if (r.url() !== url && !r.url().startsWith("about:")) problems.push(`request for ${r.url()}`);
  });
  await page.goto(url, { waitUntil: "load", timeout: 30_000 });
  const frames = page.frames().filter((f) => f !== page.mainFrame());
  if (frames.length !== Number(targets)) problems.push(`${frames.length} frames, expected ${targets}`);
  for (const f of frames) {
    const info = await f.evaluate(() => ({
      cases: document.querySelectorAll("details.case").length,
      shown: document.getElementById("shown")?.textContent ?? "",
    }));
    result.frames.push(info);
    if (info.cases === 0) problems.push("a frame lists no case");
    if (!info.shown.includes(`${info.cases} of ${info.cases}`)) problems.push(`a frame's script did not run: "${info.shown}"`);
  }
  await page.screenshot({ path: shot, fullPage: true });
  await context.close();
} catch (e) {
  problems.push(`check failed: ${e?.message ?? e}`);
} finally {
  await browser.close();
}
console.log(`html many check: ${JSON.stringify(result)}`);
process.exit(problems.length === 0 ? 0 : 1);
