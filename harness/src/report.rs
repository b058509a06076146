//! Reports (human, JSON, JUnit), the known-failures baseline and the exit
//! code (docs/spec.md §4).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::json;

use crate::redact::Redactor;
use crate::runner::{CaseResult, Outcome, RunReport};
use crate::Error;

/// Exit code: every required case passed.
pub const EXIT_OK: u8 = 0;
/// Exit code: a case failed (or the baseline does not match).
pub const EXIT_FAILED: u8 = 1;
/// Exit code: usage or configuration error.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the target could not be reached at all.
pub const EXIT_UNREACHABLE: u8 = 3;

/// Counts per outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// PASS.
    pub passed: usize,
    /// FAIL.
    pub failed: usize,
    /// WARN.
    pub warned: usize,
    /// SKIP.
    pub skipped: usize,
}

impl Summary {
    /// Counts the outcomes of a run.
    pub fn of(report: &RunReport) -> Self {
        let mut s = Summary::default();
        for r in &report.results {
            match r.outcome {
                Outcome::Pass => s.passed += 1,
                Outcome::Fail => s.failed += 1,
                Outcome::Warn => s.warned += 1,
                Outcome::Skip => s.skipped += 1,
            }
        }
        s
    }
}

/// A known-failures baseline: case ids that are expected to fail, each with
/// the reason it is accepted for now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    /// `(case id, reason)`.
    pub entries: Vec<(String, String)>,
}

impl Baseline {
    /// Parses a baseline: one `case-id  # reason` per line; blank lines and
    /// lines starting with `#` are ignored. Every entry must carry a reason.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (id, reason) =
                line.split_once('#')
                    .ok_or_else(|| Error::ExpectedFailureWithoutReason {
                        line: n + 1,
                        text: line.to_owned(),
                    })?;
            let (id, reason) = (id.trim(), reason.trim());
            if id.is_empty() || reason.is_empty() || id.contains(char::is_whitespace) {
                return Err(Error::MalformedExpectedFailure { line: n + 1 });
            }
            entries.push((id.to_owned(), reason.to_owned()));
        }
        Ok(Baseline { entries })
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Baseline::parse(&text)
    }

    /// The ids.
    pub fn ids(&self) -> BTreeSet<&str> {
        self.entries.iter().map(|(i, _)| i.as_str()).collect()
    }
}

/// The gate's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The process exit code.
    pub exit_code: u8,
    /// Ids that fail and are not in the baseline.
    pub newly_failing: Vec<String>,
    /// Ids in the baseline that now pass.
    pub newly_passing: Vec<String>,
}

/// FAIL always; WARN with `strict`, except at level MAY (advisory checks,
/// such as timing over a network without `--timing-gate`, never gate).
fn counts_as_failure(r: &CaseResult, strict: bool) -> bool {
    r.outcome == Outcome::Fail
        || (strict && r.outcome == Outcome::Warn && r.case.level != crate::scheme::Level::May)
}

/// Decides the exit code: 0 when every MUST case passed (with `strict`,
/// every SHOULD too), 1 otherwise, 3 when the target was unreachable. With a
/// baseline, the run passes when exactly the listed ids fail.
pub fn verdict(report: &RunReport, strict: bool, baseline: Option<&Baseline>) -> Verdict {
    let stop = if report.refused.is_some() {
        Some(EXIT_USAGE)
    } else if report.unreachable.is_some() {
        Some(EXIT_UNREACHABLE)
    } else {
        None
    };
    if let Some(exit_code) = stop {
        return Verdict {
            exit_code,
            newly_failing: Vec::new(),
            newly_passing: Vec::new(),
        };
    }
    let failing: BTreeSet<&str> = report
        .results
        .iter()
        .filter(|r| counts_as_failure(r, strict))
        .map(|r| r.case.id.as_str())
        .collect();
    let (newly_failing, newly_passing): (Vec<String>, Vec<String>) = match baseline {
        None => (
            failing.iter().map(|s| (*s).to_owned()).collect(),
            Vec::new(),
        ),
        Some(b) => {
            let listed = b.ids();
            let passing: BTreeSet<&str> = report
                .results
                .iter()
                .filter(|r| {
                    r.outcome == Outcome::Pass
                        || (r.outcome == Outcome::Warn && !counts_as_failure(r, strict))
                })
                .map(|r| r.case.id.as_str())
                .collect();
            (
                failing
                    .difference(&listed)
                    .map(|s| (*s).to_owned())
                    .collect(),
                listed
                    .intersection(&passing)
                    .map(|s| (*s).to_owned())
                    .collect(),
            )
        }
    };
    // An incomplete run fails whatever its cases say: what was asked for
    // was not all judged.
    let exit_code =
        if newly_failing.is_empty() && newly_passing.is_empty() && report.incomplete.is_empty() {
            EXIT_OK
        } else {
            EXIT_FAILED
        };
    Verdict {
        exit_code,
        newly_failing,
        newly_passing,
    }
}

/// The lines said once at the top of every report: why the run could not
/// start, stopped, or is incomplete, and the diagnosis.
pub fn run_notes(report: &RunReport) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(why) = &report.refused {
        notes.push(format!(
            "the run was refused before anything was sent: {why}"
        ));
    }
    if let Some(why) = &report.unreachable {
        notes.push(format!("the target could not be reached: {why}"));
    }
    for why in &report.incomplete {
        notes.push(format!("incomplete run (fails): {why}"));
    }
    if let Some(d) = &report.diagnosis {
        notes.push(format!("diagnosis: {d}"));
    }
    notes
}

/// Human output: one line per case, Expect/Actual under failures, a summary.
/// Every text is passed through [`Redactor::report`] (characters a
/// receiver sent cannot reach the terminal raw); redact secrets before,
/// with a redactor that knows them.
pub fn human(report: &RunReport, color: bool) -> String {
    human_verbose(report, color, 0)
}

/// [`human`] with the exchanges behind the verdicts: `verbosity` 1 shows
/// them under the cases that failed or warned (with a `curl` command that
/// re-sends the first request), 2 under every case.
pub fn human_verbose(report: &RunReport, color: bool, verbosity: u8) -> String {
    let report = &Redactor::new().report(report);
    let paint = |o: Outcome| -> String {
        let s = o.as_str();
        if !color {
            return s.to_owned();
        }
        let code = match o {
            Outcome::Pass => "32",
            Outcome::Fail => "31",
            Outcome::Warn => "33",
            Outcome::Skip => "36",
        };
        format!("\x1b[{code}m{s}\x1b[0m")
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "hookspec {} — scheme {} — {}",
        crate::VERSION,
        report.scheme,
        report.target
    );
    for note in run_notes(report) {
        let _ = writeln!(out, "{note}");
    }
    for r in &report.results {
        let _ = write!(
            out,
            "{} {:<6} {}",
            paint(r.outcome),
            r.case.level.as_str(),
            r.case.id
        );
        if r.detail.is_empty() {
            let _ = writeln!(out);
        } else {
            let _ = writeln!(out, " — {}", r.detail);
        }
        if matches!(r.outcome, Outcome::Fail | Outcome::Warn) {
            let _ = writeln!(out, "       case:   {}", r.case.title);
            for c in r.checks.iter().filter(|c| c.passed == Some(false)) {
                let _ = writeln!(out, "       expect: [{}] {}", c.part.as_str(), c.expected);
                let _ = writeln!(out, "       actual: [{}] {}", c.part.as_str(), c.actual);
            }
            let _ = writeln!(out, "       ref:    {}", r.case.reference);
        }
        let shown = match verbosity {
            0 => false,
            1 => matches!(r.outcome, Outcome::Fail | Outcome::Warn),
            _ => true,
        };
        if shown {
            for line in exchanges_text(r).lines() {
                let _ = writeln!(out, "       {line}");
            }
        }
    }
    let s = Summary::of(report);
    if let Some(why) = &report.unreachable {
        let _ = writeln!(out, "\nthe target could not be reached: {why}");
    }
    for why in &report.incomplete {
        let _ = writeln!(out, "\nincomplete run (fails): {why}");
    }
    let l = &report.latency;
    let _ = writeln!(
        out,
        "\nlatency: {} answers, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        l.count,
        l.p50.as_secs_f64() * 1e3,
        l.p95.as_secs_f64() * 1e3,
        l.max.as_secs_f64() * 1e3
    );
    let _ = writeln!(
        out,
        "{} passed, {} failed, {} warned, {} skipped in {:.2} s",
        s.passed,
        s.failed,
        s.warned,
        s.skipped,
        report.elapsed.as_secs_f64()
    );
    out
}

/// Markdown for a CI job summary (`$GITHUB_STEP_SUMMARY`): the verdict,
/// the totals, and a table of the cases that failed or warned with their
/// one-line reasons (ids link nowhere: they are stable, search them in
/// docs/cases.md). Redacted like every format.
pub fn markdown(report: &RunReport, strict: bool) -> String {
    markdown_with(report, strict, None)
}

/// [`markdown`] whose verdict counts the expected failures of `baseline`
/// (`--expect-failures`) as the exit code does.
pub fn markdown_with(report: &RunReport, strict: bool, baseline: Option<&Baseline>) -> String {
    let report = &Redactor::new().report(report);
    let s = Summary::of(report);
    let v = verdict(report, strict, baseline);
    let cell = |t: &str| {
        t.replace('\\', "\\\\")
            .replace('|', "\\|")
            .replace('\n', " ")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut out = String::new();
    let mark = if v.exit_code == 0 { "✅" } else { "❌" };
    let _ = writeln!(
        out,
        "### {mark} hookspec — `{}` — {}\n",
        report.scheme,
        cell(&report.target)
    );
    for note in run_notes(report) {
        let _ = writeln!(out, "> {}\n", cell(&note));
    }
    let _ = writeln!(
        out,
        "**{} passed, {} failed, {} warned, {} skipped** in {:.2} s (exit {}{})\n",
        s.passed,
        s.failed,
        s.warned,
        s.skipped,
        report.elapsed.as_secs_f64(),
        v.exit_code,
        if strict { ", --strict" } else { "" }
    );
    let bad: Vec<_> = report
        .results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Fail | Outcome::Warn))
        .collect();
    if bad.is_empty() {
        let _ = writeln!(out, "No case failed or warned.");
        return out;
    }
    let _ = writeln!(out, "| outcome | level | case | why |");
    let _ = writeln!(out, "|---|---|---|---|");
    for r in bad {
        let why = if r.detail.is_empty() {
            &r.case.title
        } else {
            &r.detail
        };
        let _ = writeln!(
            out,
            "| {} | {} | `{}` | {} |",
            r.outcome.as_str(),
            r.case.level.as_str(),
            r.case.id,
            cell(why)
        );
    }
    out
}

/// The exchanges of a case as text: each request and its answer, then the
/// `curl` command that re-sends the first request (and until when a signed
/// timestamp in it is accepted).
pub fn exchanges_text(r: &crate::runner::CaseResult) -> String {
    let mut out = String::new();
    for (i, ex) in r.exchanges.iter().enumerate() {
        let _ = writeln!(out, "exchange {}:", i + 1);
        out.push_str(&ex.text());
        if let Some(curl) = &ex.curl {
            let _ = writeln!(out, "re-send it (the same bytes):");
            out.push_str(curl);
            if !curl.ends_with('\n') {
                out.push('\n');
            }
            match ex.stale_after {
                Some(t) => {
                    let _ = writeln!(
                        out,
                        "(its signed timestamp is refused after {} ({t} unix): for fresh deliveries, `hookspec run --filter {}`)",
                        unix_utc(t),
                        r.case.id
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "(for fresh deliveries: `hookspec run --filter {}`)",
                        r.case.id
                    );
                }
            }
        }
    }
    if r.exchanges_omitted > 0 {
        let _ = writeln!(out, "(+{} more exchanges not kept)", r.exchanges_omitted);
    }
    out
}

/// `t` (unix seconds) as `YYYY-MM-DD HH:MM:SS UTC`.
fn unix_utc(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

fn outcome_json(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Warn => "warn",
        Outcome::Skip => "skip",
    }
}

/// The JSON report of docs/spec.md §4 (with checks and latency added).
pub fn json(report: &RunReport) -> serde_json::Value {
    let report = &Redactor::new().report(report);
    let s = Summary::of(report);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    json!({
        "tool": "hookspec",
        "version": crate::VERSION,
        "scheme": report.scheme.as_str(),
        "target": report.target,
        "summary": {"passed": s.passed, "failed": s.failed, "warned": s.warned, "skipped": s.skipped},
        "unreachable": report.unreachable,
        "refused": report.refused,
        "incomplete": report.incomplete,
        "diagnosis": report.diagnosis,
        "latency": {"count": report.latency.count, "p50Ms": ms(report.latency.p50), "p95Ms": ms(report.latency.p95), "maxMs": ms(report.latency.max)},
        "elapsedMs": ms(report.elapsed),
        "cases": report.results.iter().map(|r| json!({
            "id": r.case.id,
            "level": r.case.level.as_str(),
            "outcome": outcome_json(r.outcome),
            "detail": r.detail,
            "reference": r.case.reference,
            "family": r.case.family.as_str(),
            "title": r.case.title,
            "latencyMs": r.latency.map(ms),
            "timing": r.timing.as_ref().and_then(|t| serde_json::to_value(t).ok()),
            "exchanges": serde_json::to_value(&r.exchanges).unwrap_or_default(),
            "exchangesOmitted": r.exchanges_omitted,
            "checks": r.checks.iter().map(|c| json!({
                "part": c.part.as_str(),
                "passed": c.passed,
                "required": c.required,
                "expected": c.expected,
                "actual": c.actual,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// JUnit XML: one test suite per run, one test case per case; FAIL (and
/// WARN with `strict`) are `<failure>` elements, SKIP is `<skipped>`.
pub fn junit(report: &RunReport, strict: bool) -> Result<String, Error> {
    let name = format!("hookspec.{}", report.scheme);
    junit_many(&[(name, report)], strict)
}

/// JUnit XML of several runs (`run --config`): one `<testsuite>` each,
/// named as given.
pub fn junit_many(runs: &[(String, &RunReport)], strict: bool) -> Result<String, Error> {
    let mut rep = quick_junit::Report::new("hookspec");
    for (name, report) in runs {
        rep.add_test_suite(junit_suite(report, strict, name));
    }
    rep.to_string().map_err(|source| Error::Junit { source })
}

/// The test suite of one run.
fn junit_suite(report: &RunReport, strict: bool, name: &str) -> quick_junit::TestSuite {
    use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};
    let report = &Redactor::new().report(report);
    let mut suite = TestSuite::new(name.to_owned());
    let notes = run_notes(report);
    if report.refused.is_some() || report.unreachable.is_some() || !report.incomplete.is_empty() {
        // The run itself failed: one failing test case says why, so a CI
        // page that shows only test cases shows it too.
        let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
        s.set_message(notes.first().cloned().unwrap_or_default());
        s.set_description(notes.join("\n"));
        let mut tc = TestCase::new(format!("{}.run.complete", report.scheme), s);
        tc.set_classname(format!("hookspec.{}.run", report.scheme));
        suite.add_test_case(tc);
    }
    if !notes.is_empty() {
        suite.system_out = Some(notes.join("\n").into());
    }
    for r in &report.results {
        let gating = counts_as_failure(r, strict);
        let status = match r.outcome {
            Outcome::Pass => TestCaseStatus::success(),
            Outcome::Warn if !gating => TestCaseStatus::success(),
            Outcome::Fail | Outcome::Warn => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(r.detail.clone());
                s.set_type(r.case.level.as_str());
                let mut text = format!("{}\n{}\n", r.case.title, r.case.reference);
                for c in r.checks.iter().filter(|c| c.passed == Some(false)) {
                    let _ = writeln!(text, "expect [{}]: {}", c.part.as_str(), c.expected);
                    let _ = writeln!(text, "actual [{}]: {}", c.part.as_str(), c.actual);
                }
                s.set_description(text);
                s
            }
            Outcome::Skip => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(r.detail.clone());
                s
            }
        };
        let mut tc = TestCase::new(r.case.id.clone(), status);
        tc.set_classname(format!(
            "hookspec.{}.{}",
            report.scheme,
            r.case.family.as_str()
        ));
        if let Some(l) = r.latency {
            tc.set_time(l);
        }
        if r.outcome == Outcome::Warn && !gating {
            tc.system_out = Some(format!("WARN ({}): {}", r.case.level, r.detail).into());
        } else if let Some(t) = &r.timing {
            tc.system_out = Some(t.to_string().into());
        } else if gating {
            // What was sent and what came back, and how to re-send it.
            tc.system_out = Some(exchanges_text(r).into());
        }
        suite.add_test_case(tc);
    }
    suite.set_time(report.elapsed);
    suite
}
