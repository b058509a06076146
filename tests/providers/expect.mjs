// Compares a `hookspec run --format json` report with the expectation kept
// beside a receiver that has a bug on purpose (tests/providers/*.expected):
//
//   node expect.mjs <report.json> <receiver.expected>
//
// The expectation lists, one line each, `<case id> <outcome> <reason>`: every
// case the bug must make fail (MUST) or warn (SHOULD). The run must show
// exactly these non-passing cases with these outcomes, no more, no fewer;
// any difference is printed and the exit code is 1.
import { readFileSync } from 'node:fs';

const [reportFile, expectedFile] = process.argv.slice(2);
const expected = new Map();
for (const line of readFileSync(expectedFile, 'utf8').split('\n')) {
  const t = line.trim();
  if (t === '' || t.startsWith('#')) continue;
  const m = /^(\S+)\s+(fail|warn|skip)\s+(\S.*)$/.exec(t);
  if (!m) {
    console.log(`  ${expectedFile}: not "<case id> <fail|warn|skip> <reason>": ${t}`);
    process.exit(1);
  }
  expected.set(m[1], m[2]);
}
let report;
try {
  report = JSON.parse(readFileSync(reportFile, 'utf8'));
} catch (e) {
  console.log(`  no JSON report (${e.message})`);
  process.exit(1);
}
const actual = new Map(report.cases.filter((c) => c.outcome !== 'pass').map((c) => [c.id, c]));
const diff = [];
for (const [id, outcome] of expected) {
  const c = actual.get(id);
  if (!c) diff.push(`- ${id} ${outcome}: expected, but the case passed or did not run`);
  else if (c.outcome !== outcome) diff.push(`~ ${id}: expected ${outcome}, got ${c.outcome}`);
}
for (const [id, c] of actual) {
  if (!expected.has(id)) {
    const why = c.checks.filter((k) => !k.passed).map((k) => k.actual).join('; ');
    diff.push(`+ ${id} ${c.outcome} (${c.level}): not expected — ${why || c.detail}`);
  }
}
const s = report.summary;
const counts = `${s.passed} passed, ${s.failed} failed, ${s.warned} warned, ${s.skipped} skipped`;
if (diff.length) {
  console.log(`  ${counts}; differs from ${expectedFile}:`);
  for (const d of diff) console.log(`    ${d}`);
  process.exit(1);
}
console.log(`  ${counts}; exactly the ${expected.size} expected (${[...new Set(expected.values())].join('/')})`);
