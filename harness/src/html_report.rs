//! The HTML report (`--format html`, docs/spec.md §4): one self-contained
//! HTML5 file — inline CSS, a small inline script, inline SVG charts, no
//! external resource of any kind (a Content-Security-Policy in the file
//! itself forbids loading one).
//!
//! It is rendered from the canonical JSON form ([`report::json`]), not from
//! the Rust structs: a field added to the JSON later shows up here (known
//! fields get their own rendering, any other field of the report, of a case
//! or of its timing statistics is shown as JSON) without touching this
//! module. The page works without JavaScript: every case is visible and
//! the filters work through CSS where the browser supports `:has()`; the
//! script adds the count of shown cases, expand/collapse buttons and
//! opening a case named in the URL fragment.
//!
//! Every text from the report — case texts, what the receiver answered,
//! the target URL — goes through [`escape`], in text and in attributes,
//! and through a length cap; loops over the report's arrays are bounded.
//! The report must be redacted by the caller; nothing here knows a secret.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::report::{self, Verdict};
use crate::runner::RunReport;
use crate::timing::fmt_ns;

/// The most characters of any one text shown (longer texts are cut, and
/// the cut says how much was left out).
const MAX_TEXT: usize = 4096;
/// The most characters of a body preview shown (the JSON caps previews
/// itself; this bounds a report from elsewhere).
const MAX_PREVIEW: usize = 8192;
/// The most characters of a field shown as JSON.
const MAX_JSON: usize = 16_384;
/// The most cases rendered.
const MAX_CASES: usize = 10_000;
/// The most checks rendered per case.
const MAX_CHECKS: usize = 256;
/// The most exchanges rendered per case.
const MAX_EXCHANGES: usize = 64;
/// The most headers rendered per request or response.
const MAX_HEADERS: usize = 128;
/// The most notes rendered (incomplete-run reasons).
const MAX_NOTES: usize = 64;
/// The most histogram bins drawn.
const MAX_BINS: usize = 200;
/// The most timing sections (one per case with timing statistics).
const MAX_TIMING_SECTIONS: usize = 16;

/// The outcomes, in the order of the filters.
const OUTCOMES: [(&str, &str); 4] = [
    ("pass", "PASS"),
    ("fail", "FAIL"),
    ("warn", "WARN"),
    ("skip", "SKIP"),
];

/// Case fields rendered on their own; any other field is shown as JSON.
const CASE_FIELDS: [&str; 12] = [
    "id",
    "level",
    "outcome",
    "detail",
    "reference",
    "family",
    "title",
    "latencyMs",
    "timing",
    "checks",
    "exchanges",
    "exchangesOmitted",
];

/// Report fields rendered on their own; any other field is shown as JSON.
const REPORT_FIELDS: [&str; 12] = [
    "tool",
    "version",
    "scheme",
    "target",
    "summary",
    "unreachable",
    "refused",
    "incomplete",
    "diagnosis",
    "latency",
    "elapsedMs",
    "cases",
];

/// The HTML report of a run (redacted by the caller): the JSON report
/// ([`report::json`]) rendered by [`from_json`], with the exit code of
/// [`report::verdict`] (no baseline) under `strict`.
pub fn html(report: &RunReport, strict: bool) -> String {
    html_with(report, strict, None)
}

/// [`html`] whose verdict counts the expected failures of `baseline`
/// (`--expect-failures`) as the exit code does.
pub fn html_with(report: &RunReport, strict: bool, baseline: Option<&report::Baseline>) -> String {
    let verdict = report::verdict(report, strict, baseline);
    from_json(&report::json(report), &verdict, strict)
}

/// The HTML report of several runs (`run --config`), one file: a table of
/// the targets with their verdicts, then each target's own report, whole
/// and isolated, in an `<iframe srcdoc>` (so the reports' ids, filters and
/// scripts do not meet). Nothing is loaded from anywhere.
/// Each run comes with its `--expect-failures` baseline, if it has one.
pub fn html_many(runs: &[(String, &RunReport, Option<&report::Baseline>)], strict: bool) -> String {
    let mut body = String::from("<h1>hookspec — every target</h1>\n<table class=\"targets\"><thead><tr><th>target</th><th>scheme</th><th>URL</th><th>passed</th><th>failed</th><th>warned</th><th>skipped</th><th>exit</th></tr></thead><tbody>");
    let mut frames = String::new();
    for (i, (name, report, baseline)) in runs.iter().enumerate() {
        let v = report::verdict(report, strict, *baseline);
        let s = report::Summary::of(report);
        let _ = write!(
            body,
            "<tr><td><a href=\"#target-{i}\">{}</a></td><td><code>{}</code></td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"exit-{}\">{}</td></tr>",
            esc(name),
            esc(report.scheme.as_str()),
            esc(&report.target),
            s.passed,
            s.failed,
            s.warned,
            s.skipped,
            v.exit_code,
            v.exit_code
        );
        let page = html_with(report, strict, *baseline);
        let _ = writeln!(
            frames,
            "<section id=\"target-{i}\"><h2>{}</h2><iframe title=\"hookspec report: {}\" srcdoc=\"{}\"></iframe></section>",
            esc(name),
            esc(name),
            escape(&page)
        );
    }
    body.push_str("</tbody></table>\n");
    body.push_str(&frames);
    let css = MANY_CSS;
    let csp = format!(
        "default-src 'none'; style-src '{}' '{}'; script-src '{}'; img-src 'none'; \
         base-uri 'none'; form-action 'none'",
        csp_hash(css),
        csp_hash(CSS),
        csp_hash(SCRIPT)
    );
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\"/>",
        escape(&csp)
    );
    let _ = writeln!(out, "<title>hookspec — {} targets</title>", runs.len());
    let _ = writeln!(out, "<style>{css}</style>\n</head>\n<body>");
    out.push_str(&body);
    out.push_str("</body>\n</html>\n");
    out
}

/// The style of [`html_many`]'s page around the reports.
const MANY_CSS: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}\
.exit-0{color:#176d2a}.exit-1,.exit-2,.exit-3{color:#a61b1b;font-weight:bold}\
iframe{width:100%;height:80vh;border:1px solid #ccc}";

/// Escapes a text for HTML, in text and in attribute values: `&<>"'` become
/// character references; control characters other than tab and line feed,
/// and Unicode noncharacters, are shown as `\u{…}` (the redaction layer
/// has already made them visible; this holds for any input).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() || is_noncharacter(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

/// [`escape`] of at most `max` characters of `text`; a cut text ends with
/// how many characters were left out.
fn esc_cap(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => escape(text),
        Some((at, _)) => {
            let rest = text.get(at..).map_or(0, |r| r.chars().count());
            format!(
                "{}… ({rest} more characters not shown)",
                escape(text.get(..at).unwrap_or_default())
            )
        }
    }
}

fn esc(text: &str) -> String {
    esc_cap(text, MAX_TEXT)
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn num_of(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64).filter(|x| x.is_finite())
}

/// A JSON value as text: a string as it is, anything else as compact JSON.
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A JSON value, pretty-printed, escaped and capped.
fn json_block(v: &Value) -> String {
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    format!("<pre class=\"json\">{}</pre>", esc_cap(&text, MAX_JSON))
}

fn fmt_ms(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 10_000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1e3)
    }
}

fn outcome_label(o: &str) -> &'static str {
    OUTCOMES
        .iter()
        .find(|(k, _)| *k == o)
        .map_or("OTHER", |(_, l)| l)
}

/// An outcome as a class name: one of the four, or `other`.
fn outcome_class(o: &str) -> &'static str {
    OUTCOMES
        .iter()
        .find(|(k, _)| *k == o)
        .map_or("other", |(k, _)| k)
}

/// What the exit code means, in one sentence.
fn exit_meaning(code: u8, json: &Value, counted: usize, strict: bool) -> String {
    match code {
        report::EXIT_OK => {
            if strict {
                "every MUST and SHOULD case passed (--strict)".to_owned()
            } else {
                "every MUST case passed".to_owned()
            }
        }
        report::EXIT_FAILED => {
            let incomplete = json
                .get("incomplete")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty());
            let mut s = format!(
                "{counted} case{} count{} as failure{}",
                if counted == 1 { "" } else { "s" },
                if counted == 1 { "s" } else { "" },
                if counted == 1 { "" } else { "s" }
            );
            if strict {
                s.push_str(" (--strict: a WARN at level SHOULD counts)");
            }
            if incomplete {
                s.push_str("; the run is incomplete");
            }
            s
        }
        report::EXIT_USAGE => "the run was refused before anything was sent".to_owned(),
        report::EXIT_UNREACHABLE => "the target could not be reached".to_owned(),
        _ => "see docs/spec.md §4".to_owned(),
    }
}

/// Renders the HTML report from the JSON report of [`report::json`] (or
/// any JSON of that shape), with the verdict that gives its exit code and
/// the cases counted as failures.
pub fn from_json(json: &Value, verdict: &Verdict, strict: bool) -> String {
    let empty = Vec::new();
    let cases: Vec<&Value> = json
        .get("cases")
        .and_then(Value::as_array)
        .unwrap_or(&empty)
        .iter()
        .take(MAX_CASES)
        .collect();
    let counted: Vec<&str> = verdict.newly_failing.iter().map(String::as_str).collect();
    let scheme = str_of(json, "scheme").unwrap_or("?");
    let target = str_of(json, "target").unwrap_or("");

    let mut body = String::new();
    summary_section(&mut body, json, verdict, &counted, strict, &cases);
    charts_section(&mut body, &cases);
    cases_section(&mut body, &cases, &counted);
    extra_fields(&mut body, json);
    let _ = write!(
        body,
        "<footer><p>Generated by {} {}. This file is self-contained: it loads nothing \
         from anywhere. The machine-readable form of the same report is \
         <code>--format json</code>.</p></footer>",
        esc(str_of(json, "tool").unwrap_or("hookspec")),
        esc(str_of(json, "version").unwrap_or(""))
    );

    let csp = format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; img-src 'none'; \
         base-uri 'none'; form-action 'none'",
        csp_hash(CSS),
        csp_hash(SCRIPT)
    );
    let mut out = String::with_capacity(body.len() + CSS.len() + SCRIPT.len() + 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\"/>",
        escape(&csp)
    );
    let _ = writeln!(
        out,
        "<title>hookspec {} — {}</title>",
        esc(scheme),
        esc(target)
    );
    let _ = writeln!(out, "<style>{CSS}</style>\n</head>\n<body>");
    out.push_str(&body);
    let _ = writeln!(out, "\n<script>{SCRIPT}</script>\n</body>\n</html>");
    out
}

/// `sha256-…` of an inline element's text, for the CSP.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn summary_section(
    out: &mut String,
    json: &Value,
    verdict: &Verdict,
    counted: &[&str],
    strict: bool,
    cases: &[&Value],
) {
    let scheme = str_of(json, "scheme").unwrap_or("?");
    let _ = write!(
        out,
        "<header><h1>hookspec report: <code>{}</code></h1>",
        esc(scheme)
    );
    let _ = write!(
        out,
        "<p class=\"target\">Target <code>{}</code></p>",
        esc(str_of(json, "target").unwrap_or(""))
    );
    let code = verdict.exit_code;
    let _ = write!(
        out,
        "<p class=\"verdict exit-{code}\" id=\"verdict\"><strong>Exit {code}</strong>: {}</p>",
        esc(&exit_meaning(code, json, counted.len(), strict))
    );
    // Counts.
    let summary = json.get("summary");
    out.push_str("<ul class=\"counts\">");
    for (key, (class, label)) in ["passed", "failed", "warned", "skipped"]
        .iter()
        .zip(OUTCOMES)
    {
        let n = summary
            .and_then(|s| s.get(*key))
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let _ = write!(
            out,
            "<li><span class=\"badge {class}\">{label}</span> {n} {key}</li>"
        );
    }
    out.push_str("</ul>");
    // The run's facts.
    out.push_str("<dl class=\"facts\">");
    let mut fact = |k: &str, v: String| {
        let _ = write!(out, "<dt>{}</dt><dd>{v}</dd>", esc(k));
    };
    fact("Scheme", format!("<code>{}</code>", esc(scheme)));
    fact(
        "Tool",
        esc(&format!(
            "{} {}",
            str_of(json, "tool").unwrap_or("hookspec"),
            str_of(json, "version").unwrap_or("")
        )),
    );
    fact(
        "Gate",
        if strict {
            "--strict: FAIL, and WARN at level SHOULD, count as failures".to_owned()
        } else {
            "FAIL counts as a failure; WARN does not (no --strict)".to_owned()
        },
    );
    fact("Cases", cases.len().to_string());
    if let Some(ms) = num_of(json, "elapsedMs") {
        fact("Elapsed", esc(&fmt_ms(ms)));
    }
    if let Some(l) = json.get("latency") {
        let part = |k: &str| num_of(l, k).map_or_else(|| "–".to_owned(), fmt_ms);
        fact(
            "Latency",
            esc(&format!(
                "{} answers; p50 {}, p95 {}, max {}",
                l.get("count").and_then(Value::as_u64).unwrap_or(0),
                part("p50Ms"),
                part("p95Ms"),
                part("maxMs")
            )),
        );
    }
    out.push_str("</dl>");
    // Notes about the run as a whole.
    let mut notes: Vec<String> = Vec::new();
    if let Some(why) = str_of(json, "refused") {
        notes.push(format!(
            "The run was refused before anything was sent: {}",
            esc(why)
        ));
    }
    if let Some(why) = str_of(json, "unreachable") {
        notes.push(format!("The target could not be reached: {}", esc(why)));
    }
    if let Some(list) = json.get("incomplete").and_then(Value::as_array) {
        for why in list.iter().take(MAX_NOTES) {
            notes.push(format!("Incomplete run (fails): {}", esc(&text_of(why))));
        }
    }
    if let Some(d) = str_of(json, "diagnosis") {
        notes.push(format!("Diagnosis: {}", esc(d)));
    }
    if !notes.is_empty() {
        out.push_str("<ul class=\"notes\" id=\"notes\">");
        for n in notes {
            let _ = write!(out, "<li>{n}</li>");
        }
        out.push_str("</ul>");
    }
    if !counted.is_empty() {
        out.push_str("<p class=\"counted\">Counted as failures: ");
        for (i, id) in counted.iter().take(MAX_CASES).enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write!(
                out,
                "<a href=\"#{}\"><code>{}</code></a>",
                escape(&anchor(id)),
                esc(id)
            );
        }
        out.push_str("</p>");
    }
    out.push_str("</header>\n");
}

/// The element id of a case.
fn anchor(case_id: &str) -> String {
    format!("case-{}", safe_id(case_id))
}

/// A text as a part of an element id: letters, digits, `.`, `-`, `_`, the
/// rest replaced by `_`, at most 256 characters.
fn safe_id(text: &str) -> String {
    text.chars()
        .take(256)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn charts_section(out: &mut String, cases: &[&Value]) {
    out.push_str("<section id=\"charts\"><h2>Latency</h2>");
    latency_histogram(out, cases);
    out.push_str("</section>\n");
    for case in cases
        .iter()
        .filter(|c| c.get("timing").is_some_and(Value::is_object))
        .take(MAX_TIMING_SECTIONS)
    {
        timing_section(out, case);
    }
}

fn cases_section(out: &mut String, cases: &[&Value], counted: &[&str]) {
    // Families in order of first appearance, with their cases.
    let mut order: Vec<&str> = Vec::new();
    let mut by_family: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    for c in cases {
        let family = str_of(c, "family").unwrap_or("other");
        if !by_family.contains_key(family) {
            order.push(family);
        }
        by_family.entry(family).or_default().push(c);
        *totals
            .entry(outcome_class(str_of(c, "outcome").unwrap_or("")))
            .or_default() += 1;
    }
    out.push_str("<section id=\"cases\"><h2>Cases</h2>");
    out.push_str("<div class=\"filters\" id=\"filters\"><span class=\"label\">Show:</span> ");
    for (class, label) in OUTCOMES {
        let n = totals.get(class).copied().unwrap_or(0);
        let _ = write!(
            out,
            "<input type=\"checkbox\" class=\"filter\" id=\"show-{class}\" value=\"{class}\" \
             checked=\"checked\"/><label for=\"show-{class}\"><span class=\"badge {class}\">{label}</span> \
             {n}</label> "
        );
    }
    out.push_str(
        "<span id=\"shown\" class=\"muted\"></span> \
         <button type=\"button\" id=\"expand-failures\" hidden=\"hidden\">Expand failures</button> \
         <button type=\"button\" id=\"expand-all\" hidden=\"hidden\">Expand all</button> \
         <button type=\"button\" id=\"collapse-all\" hidden=\"hidden\">Collapse all</button></div>",
    );
    if cases.is_empty() {
        out.push_str("<p class=\"muted\">No case was run.</p>");
    }
    for family in order {
        let list = by_family.get(family).map_or(&[][..], Vec::as_slice);
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for c in list {
            *counts
                .entry(outcome_class(str_of(c, "outcome").unwrap_or("")))
                .or_default() += 1;
        }
        let _ = write!(
            out,
            "<section class=\"family\" id=\"family-{}\"><h3>{} <span class=\"muted\">",
            escape(&safe_id(family)),
            esc(family)
        );
        for (class, label) in OUTCOMES {
            if let Some(n) = counts.get(class) {
                let _ = write!(out, " <span class=\"tally {class}\">{n} {label}</span>");
            }
        }
        out.push_str("</span></h3>");
        for c in list {
            case_details(out, c, counted);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</section>\n");
}

fn case_details(out: &mut String, case: &Value, counted: &[&str]) {
    let id = str_of(case, "id").unwrap_or("?");
    let outcome = str_of(case, "outcome").unwrap_or("");
    let class = outcome_class(outcome);
    let is_counted = counted.contains(&id);
    let _ = write!(
        out,
        "<details class=\"case {class}{}\" id=\"{}\" data-outcome=\"{class}\"><summary>\
         <span class=\"badge {class}\">{}</span> <span class=\"level\">{}</span> \
         <code class=\"id\">{}</code>",
        if is_counted { " counted" } else { "" },
        escape(&anchor(id)),
        outcome_label(outcome),
        esc(str_of(case, "level").unwrap_or("")),
        esc(id)
    );
    if let Some(d) = str_of(case, "detail").filter(|d| !d.is_empty()) {
        let _ = write!(out, " <span class=\"detail\">— {}</span>", esc(d));
    }
    if is_counted {
        out.push_str(" <span class=\"gate\">counts as failure</span>");
    }
    out.push_str("</summary><div class=\"case-body\">");
    if let Some(t) = str_of(case, "title") {
        let _ = write!(out, "<p class=\"title\">{}</p>", esc(t));
    }
    out.push_str("<dl class=\"facts\">");
    let _ = write!(
        out,
        "<dt>Level</dt><dd>{}</dd>",
        esc(str_of(case, "level").unwrap_or(""))
    );
    if let Some(r) = str_of(case, "reference") {
        let _ = write!(out, "<dt>Reference</dt><dd>{}</dd>", esc(r));
    }
    if let Some(f) = str_of(case, "family") {
        let _ = write!(out, "<dt>Family</dt><dd>{}</dd>", esc(f));
    }
    if let Some(ms) = num_of(case, "latencyMs") {
        let _ = write!(out, "<dt>Latency</dt><dd>{}</dd>", esc(&fmt_ms(ms)));
    }
    out.push_str("</dl>");
    checks_table(out, case);
    if case.get("timing").is_some_and(Value::is_object) {
        let _ = write!(
            out,
            "<p><a href=\"#timing-{}\">The timing statistics and distributions</a></p>",
            escape(&safe_id(id))
        );
    }
    if let Some(list) = case.get("exchanges").and_then(Value::as_array) {
        exchanges(out, list);
    }
    if let Some(n) = case
        .get("exchangesOmitted")
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
    {
        let _ = write!(out, "<p class=\"muted\">(+{n} more exchanges not kept)</p>");
    }
    if let Some(obj) = case.as_object() {
        for (k, v) in obj
            .iter()
            .filter(|(k, v)| !CASE_FIELDS.contains(&k.as_str()) && !v.is_null())
        {
            let _ = write!(
                out,
                "<div class=\"extra\"><h4>{}</h4>{}</div>",
                esc(k),
                json_block(v)
            );
        }
    }
    out.push_str("</div></details>\n");
}

fn checks_table(out: &mut String, case: &Value) {
    let Some(checks) = case.get("checks").and_then(Value::as_array) else {
        return;
    };
    if checks.is_empty() {
        return;
    }
    out.push_str(
        "<table class=\"checks\"><thead><tr><th>Part</th><th>Result</th><th>Expected</th>\
         <th>Actual</th></tr></thead><tbody>",
    );
    for c in checks.iter().take(MAX_CHECKS) {
        let required = c.get("required").and_then(Value::as_bool).unwrap_or(true);
        let (class, label) = match c.get("passed").and_then(Value::as_bool) {
            Some(true) => ("pass", "met"),
            Some(false) if required => ("fail", "not met"),
            Some(false) => ("warn", "not met (information)"),
            None => ("skip", "not judged"),
        };
        let _ = write!(
            out,
            "<tr class=\"{class}\"><td>{}</td><td><span class=\"result {class}\">{label}</span></td>\
             <td>{}</td><td>{}</td></tr>",
            esc(str_of(c, "part").unwrap_or("")),
            esc(&text_of(c.get("expected").unwrap_or(&Value::Null))),
            esc(&text_of(c.get("actual").unwrap_or(&Value::Null)))
        );
    }
    if checks.len() > MAX_CHECKS {
        let _ = write!(
            out,
            "<tr><td colspan=\"4\">… {} more checks not shown</td></tr>",
            checks.len() - MAX_CHECKS
        );
    }
    out.push_str("</tbody></table>");
}

/// A case's exchanges as compact HTTP-like listings.
fn exchanges(out: &mut String, list: &[Value]) {
    if list.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<div class=\"exchanges\"><h4>Exchange{} ({})</h4>",
        if list.len() == 1 { "" } else { "s" },
        list.len()
    );
    for (i, x) in list.iter().take(MAX_EXCHANGES).enumerate() {
        let _ = write!(out, "<pre class=\"http\" data-exchange=\"{}\">", i + 1);
        if let Some(req) = x.get("request").filter(|r| r.is_object()) {
            let _ = writeln!(
                out,
                "<span class=\"req\">→ {} {}</span>",
                esc(str_of(req, "method").unwrap_or("?")),
                esc(str_of(req, "url").unwrap_or(""))
            );
            headers(out, req);
            more(out, req, &["method", "url", "headers", "body"]);
            body(out, req.get("body"));
        }
        match x.get("response").filter(|r| r.is_object()) {
            Some(resp) => {
                let status = resp
                    .get("status")
                    .map(text_of)
                    .unwrap_or_else(|| "?".to_owned());
                let latency = num_of(resp, "latencyMs")
                    .map(|ms| format!(" ({})", fmt_ms(ms)))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "\n<span class=\"resp\">← {}{}</span>",
                    esc(&status),
                    esc(&latency)
                );
                headers(out, resp);
                more(out, resp, &["status", "headers", "body", "latencyMs"]);
                body(out, resp.get("body"));
            }
            None => out.push_str("\n<span class=\"resp\">← no response</span>\n"),
        }
        more(
            out,
            x,
            &["request", "response", "error", "curl", "staleAfter"],
        );
        if let Some(e) = x.get("error").and_then(Value::as_str) {
            let _ = writeln!(out, "<span class=\"error\">error: {}</span>", esc(e));
        }
        out.push_str("</pre>");
        if let Some(curl) = x.get("curl").and_then(Value::as_str) {
            let stale = x
                .get("staleAfter")
                .and_then(Value::as_i64)
                .map(|t| format!(" (its signed timestamp is refused from unix time {t} on)"))
                .unwrap_or_default();
            let _ = write!(
                out,
                "<p class=\"muted\">Re-send it, the same bytes{}:</p><pre class=\"curl\">{}</pre>",
                esc(&stale),
                esc_cap(curl, MAX_PREVIEW)
            );
        }
    }
    if list.len() > MAX_EXCHANGES {
        let _ = write!(
            out,
            "<p class=\"muted\">… {} more exchanges not shown</p>",
            list.len() - MAX_EXCHANGES
        );
    }
    out.push_str("</div>");
}

/// The unknown fields of a message, one `[key: value]` line each.
fn more(out: &mut String, message: &Value, known: &[&str]) {
    for line in unknown_keys(message, known) {
        let _ = writeln!(out, "<span class=\"muted\">[{}]</span>", esc(&line));
    }
}

fn headers(out: &mut String, message: &Value) {
    let Some(list) = message.get("headers").and_then(Value::as_array) else {
        return;
    };
    for h in list.iter().take(MAX_HEADERS) {
        let (name, value) = match h.as_array().map(Vec::as_slice) {
            Some([n, v, ..]) => (text_of(n), text_of(v)),
            _ => (text_of(h), String::new()),
        };
        let _ = writeln!(
            out,
            "<span class=\"hname\">{}</span>: {}",
            esc(&name),
            esc(&value)
        );
    }
    if list.len() > MAX_HEADERS {
        let _ = writeln!(out, "… {} more headers", list.len() - MAX_HEADERS);
    }
}

fn body(out: &mut String, body: Option<&Value>) {
    let Some(b) = body.filter(|b| b.is_object()) else {
        return;
    };
    let preview = str_of(b, "preview").unwrap_or("");
    let mut facts = Vec::new();
    if let Some(n) = b.get("length").and_then(Value::as_u64) {
        facts.push(format!("{n} bytes"));
    }
    if let Some(h) = str_of(b, "sha256") {
        facts.push(format!("sha256 {h}"));
    }
    if !preview.is_empty() {
        facts.push(format!("preview of {} characters", preview.chars().count()));
    }
    facts.extend(unknown_keys(b, &["length", "sha256", "preview"]));
    out.push('\n');
    if !preview.is_empty() {
        let _ = writeln!(out, "{}", esc_cap(preview, MAX_PREVIEW));
    }
    if !facts.is_empty() {
        let _ = writeln!(
            out,
            "<span class=\"muted\">[body: {}]</span>",
            esc(&facts.join(", "))
        );
    }
}

/// `key: value` of the fields of `obj` not in `known` (at most 16, each
/// value capped): what a later version of the JSON adds to an exchange.
fn unknown_keys(obj: &Value, known: &[&str]) -> Vec<String> {
    obj.as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, v)| !known.contains(&k.as_str()) && !v.is_null())
                .take(16)
                .map(|(k, v)| {
                    let v = text_of(v);
                    let v: String = v.chars().take(512).collect();
                    format!("{k}: {v}")
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Report fields this module does not know, shown as JSON.
fn extra_fields(out: &mut String, json: &Value) {
    let Some(obj) = json.as_object() else {
        return;
    };
    let extra: Vec<_> = obj
        .iter()
        .filter(|(k, v)| !REPORT_FIELDS.contains(&k.as_str()) && !v.is_null())
        .collect();
    if extra.is_empty() {
        return;
    }
    out.push_str("<section id=\"more\"><h2>More report fields</h2>");
    for (k, v) in extra {
        let _ = write!(out, "<h3>{}</h3>{}", esc(k), json_block(v));
    }
    out.push_str("</section>\n");
}

// ---------------------------------------------------------------- charts

/// Chart geometry: the plot area inside an SVG of `W`×`H`.
const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 40.0;

/// Linear map of `v` in `[lo, hi]` onto `[a, b]`.
fn scale(v: f64, lo: f64, hi: f64, a: f64, b: f64) -> f64 {
    if hi > lo {
        a + (v - lo) / (hi - lo) * (b - a)
    } else {
        (a + b) / 2.0
    }
}

fn svg_open(out: &mut String, id: &str, label: &str, height: f64) {
    let _ = write!(
        out,
        "<svg class=\"chart\" id=\"{}\" viewBox=\"0 0 {W} {height}\" width=\"{W}\" height=\"{height}\" \
         role=\"img\" aria-label=\"{}\"><title>{}</title>",
        escape(id),
        esc(label),
        esc(label)
    );
}

fn svg_text(out: &mut String, x: f64, y: f64, anchor: &str, class: &str, text: &str) {
    if x.is_finite() && y.is_finite() {
        let _ = write!(
            out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" class=\"{class}\">{}</text>",
            esc(text)
        );
    }
}

fn svg_line(out: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), class: &str) {
    if [x1, y1, x2, y2].iter().all(|v| v.is_finite()) {
        let _ = write!(
            out,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" class=\"{class}\"/>"
        );
    }
}

fn svg_rect(out: &mut String, x: f64, y: f64, w: f64, h: f64, class: &str) {
    if [x, y, w, h].iter().all(|v| v.is_finite()) && w >= 0.0 && h >= 0.0 {
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" class=\"{class}\"/>"
        );
    }
}

/// Axes: the x axis with labelled ticks at `ticks` (value, label), the y
/// axis from 0 to `y_max` with a few labelled ticks.
fn axes(
    out: &mut String,
    ticks: &[(f64, String)],
    (lo, hi): (f64, f64),
    y_max: f64,
    y_label: &str,
) {
    let (x0, x1, y0, y1) = (LEFT, W - RIGHT, H - BOTTOM, TOP);
    svg_line(out, (x0, y0), (x1, y0), "axis");
    svg_line(out, (x0, y0), (x0, y1), "axis");
    for (i, (v, label)) in ticks.iter().enumerate() {
        let x = scale(*v, lo, hi, x0, x1);
        svg_line(out, (x, y0), (x, y0 + 4.0), "axis");
        // The last label ends at its tick, so that it stays inside.
        let anchor = if i + 1 == ticks.len() {
            "end"
        } else {
            "middle"
        };
        svg_text(out, x, y0 + 16.0, anchor, "tick", label);
    }
    let steps = 4;
    for i in 0..=steps {
        let v = y_max * f64::from(i) / f64::from(steps);
        let y = scale(v, 0.0, y_max, y0, y1);
        svg_line(out, (x0 - 4.0, y), (x0, y), "axis");
        svg_line(out, (x0, y), (x1, y), "grid");
        let label = if y_max <= 1.0 {
            format!("{v:.2}")
        } else if (v - v.round()).abs() < 1e-9 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        };
        svg_text(out, x0 - 6.0, y + 4.0, "end", "tick", &label);
    }
    svg_text(out, x0, TOP - 10.0, "start", "axis-label", y_label);
}

/// The top of a count axis: the largest count rounded up so that the four
/// steps of [`axes`] are whole numbers.
fn count_axis_max(largest: f64) -> f64 {
    (largest.max(1.0) / 4.0).ceil() * 4.0
}

/// `n + 1` evenly spaced tick values over `[lo, hi]`.
fn even_ticks(lo: f64, hi: f64, n: usize, fmt: impl Fn(f64) -> String) -> Vec<(f64, String)> {
    (0..=n)
        .map(|i| {
            let v = lo + (hi - lo) * i as f64 / n.max(1) as f64;
            (v, fmt(v))
        })
        .collect()
}

/// The cases' latencies, stacked by outcome.
fn latency_histogram(out: &mut String, cases: &[&Value]) {
    let points: Vec<(f64, &'static str)> = cases
        .iter()
        .filter_map(|c| {
            let ms = num_of(c, "latencyMs").filter(|ms| *ms >= 0.0)?;
            Some((ms, outcome_class(str_of(c, "outcome").unwrap_or(""))))
        })
        .collect();
    if points.is_empty() {
        out.push_str("<p class=\"muted\">No case measured a latency.</p>");
        return;
    }
    let min = points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let max = points.iter().map(|p| p.0).fold(0.0, f64::max);
    let bins = ((points.len() as f64).sqrt().ceil() as usize + 4).clamp(5, 30);
    // Log-spaced bins when the latencies span more than a decade and a half.
    let log = min > 0.0 && max / min > 30.0;
    let (lo, hi) = if log {
        (min.log10(), max.log10())
    } else if max > 0.0 {
        (0.0, max)
    } else {
        (0.0, 1.0)
    };
    let pos = |ms: f64| if log { ms.max(min).log10() } else { ms };
    let width = (hi - lo) / bins as f64;
    let mut counts: Vec<BTreeMap<&str, usize>> = vec![BTreeMap::new(); bins];
    for (ms, class) in &points {
        let i = if width > 0.0 {
            (((pos(*ms) - lo) / width) as usize).min(bins - 1)
        } else {
            0
        };
        if let Some(bin) = counts.get_mut(i) {
            *bin.entry(class).or_default() += 1;
        }
    }
    let y_max = count_axis_max(
        counts
            .iter()
            .map(|b| b.values().sum::<usize>())
            .max()
            .unwrap_or(1) as f64,
    );
    let label = format!(
        "Latency of the {} cases that measured one ({} scale), stacked by outcome",
        points.len(),
        if log { "logarithmic" } else { "linear" }
    );
    svg_open(out, "latency-histogram", &label, H);
    let unlog = |v: f64| if log { 10f64.powf(v) } else { v };
    let ticks = even_ticks(lo, hi, 5, |v| fmt_ms(unlog(v)));
    axes(out, &ticks, (lo, hi), y_max, "cases");
    let (x0, x1, y0, y1) = (LEFT, W - RIGHT, H - BOTTOM, TOP);
    for (i, bin) in counts.iter().enumerate() {
        let bx0 = scale(lo + width * i as f64, lo, hi, x0, x1);
        let bx1 = scale(lo + width * (i + 1) as f64, lo, hi, x0, x1);
        let mut stacked = 0usize;
        for (class, _) in OUTCOMES.iter().chain([("other", "OTHER")].iter()) {
            let n = bin.get(class).copied().unwrap_or(0);
            if n == 0 {
                continue;
            }
            let top = scale((stacked + n) as f64, 0.0, y_max, y0, y1);
            let bottom = scale(stacked as f64, 0.0, y_max, y0, y1);
            svg_rect(
                out,
                bx0 + 0.5,
                top,
                (bx1 - bx0 - 1.0).max(0.5),
                bottom - top,
                &format!("bar {class}"),
            );
            stacked += n;
        }
    }
    // Legend.
    let mut x = x1 - 250.0;
    for (class, label) in OUTCOMES {
        svg_rect(out, x, 8.0, 10.0, 10.0, &format!("bar {class}"));
        svg_text(out, x + 14.0, 17.0, "start", "legend", label);
        x += 62.0;
    }
    svg_text(
        out,
        (x0 + x1) / 2.0,
        H - 6.0,
        "middle",
        "axis-label",
        "latency of the case's answer",
    );
    out.push_str("</svg>");
}

/// The timing case: its statistics, the two classes' distributions
/// (histogram and ECDF), and the estimated difference against the
/// smallest detectable one.
fn timing_section(out: &mut String, case: &Value) {
    let Some(t) = case.get("timing").filter(|t| t.is_object()) else {
        return;
    };
    let id = str_of(case, "id").unwrap_or("?");
    let decision = str_of(t, "decision").unwrap_or("?");
    let dclass = match decision {
        "leak" => "fail",
        "no leak detected" => "pass",
        _ => "warn",
    };
    let _ = write!(
        out,
        "<section class=\"timing\" id=\"timing-{}\"><h2>Timing: <code>{}</code> — \
         <span class=\"decision {dclass}\">{}</span></h2>",
        escape(&safe_id(id)),
        esc(id),
        esc(decision)
    );
    if let Some(r) = str_of(t, "reason") {
        let _ = write!(out, "<p>{}</p>", esc(r));
    }
    out.push_str(
        "<p class=\"muted\">Class A: forged deliveries wrong from the first byte of the proof; \
         class B: wrong only in the last byte. An early-exit comparison rejects B later; \
         differences are B − A.</p>",
    );
    let ns = |k: &str| num_of(t, k).map_or_else(|| "n/a".to_owned(), fmt_ns);
    let ci = t
        .get("ci95_ns")
        .and_then(Value::as_array)
        .and_then(|a| match a.as_slice() {
            [lo, hi] => Some((lo.as_f64()?, hi.as_f64()?)),
            _ => None,
        })
        .filter(|(lo, hi)| lo.is_finite() && hi.is_finite());
    out.push_str("<dl class=\"facts timing-facts\">");
    let mut fact = |k: &str, v: String| {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(&v));
    };
    fact("Estimated difference (B − A)", ns("median_diff_ns"));
    fact(
        "95 % confidence interval",
        ci.map_or_else(
            || "n/a".to_owned(),
            |(lo, hi)| format!("{} … {}", fmt_ns(lo), fmt_ns(hi)),
        ),
    );
    fact(
        "Smallest detectable difference",
        format!(
            "{} (power {}, at α/3 = {})",
            ns("min_detectable_ns"),
            num_of(t, "power").map_or_else(|| "?".to_owned(), |p| format!("{:.0} %", p * 100.0)),
            num_of(t, "bonferroni_alpha").map_or_else(|| "?".to_owned(), |a| format!("{a:.1e}"))
        ),
    );
    fact(
        "Pairs analysed",
        t.get("n").map(text_of).unwrap_or_default(),
    );
    fact(
        "Medians",
        format!("A {}, B {}", ns("median_a_ns"), ns("median_b_ns")),
    );
    let p = |k: &str| {
        t.get(k)
            .and_then(|x| num_of(x, "p"))
            .map_or_else(|| "n/a".to_owned(), crate::timing::fmt_p)
    };
    fact(
        "Tests",
        format!(
            "Wilcoxon p = {}, sign test p = {}, dudect max |t| = {}",
            p("wilcoxon"),
            p("sign_test"),
            t.get("dudect")
                .and_then(|d| num_of(d, "max_t"))
                .map_or_else(|| "n/a".to_owned(), |x| format!("{:.1}", x.abs()))
        ),
    );
    if let Some(pen) = num_of(t, "first_in_pair_penalty_ns") {
        fact("First-in-pair penalty (cancelled)", fmt_ns(pen));
    }
    out.push_str("</dl>");

    out.push_str("<div class=\"charts\">");
    match t.get("histogram").and_then(Histogram::from_json) {
        Some(h) => {
            timing_histogram(
                out,
                id,
                &h,
                num_of(t, "median_a_ns"),
                num_of(t, "median_b_ns"),
            );
            timing_ecdf(out, id, &h);
        }
        None => out.push_str("<p class=\"muted\">This report carries no distribution data.</p>"),
    }
    if let Some(diff) = num_of(t, "median_diff_ns") {
        timing_difference(out, id, diff, ci, num_of(t, "min_detectable_ns"));
    }
    out.push_str("</div>");
    let _ = write!(
        out,
        "<details class=\"stats\"><summary>All timing statistics (JSON)</summary>{}</details>",
        json_block(t)
    );
    out.push_str("</section>\n");
}

/// The histogram of the JSON timing statistics, checked and bounded.
struct Histogram {
    edges: Vec<f64>,
    a: Vec<f64>,
    b: Vec<f64>,
    a_out: (f64, f64),
    b_out: (f64, f64),
}

impl Histogram {
    fn from_json(v: &Value) -> Option<Self> {
        let nums = |k: &str| -> Option<Vec<f64>> {
            v.get(k)?
                .as_array()?
                .iter()
                .take(MAX_BINS + 1)
                .map(|x| {
                    x.as_f64()
                        .filter(|x| x.is_finite() && (k == "edges_ns" || *x >= 0.0))
                })
                .collect()
        };
        let edges = nums("edges_ns")?;
        if edges.windows(2).any(|w| matches!(w, [x, y] if x >= y)) {
            return None;
        }
        let bins = edges.len().checked_sub(1).filter(|b| *b > 0)?;
        let mut a = nums("a")?;
        let mut b = nums("b")?;
        a.resize(bins, 0.0);
        b.resize(bins, 0.0);
        let count = |k: &str| num_of(v, k).unwrap_or(0.0).max(0.0);
        Some(Histogram {
            edges,
            a,
            b,
            a_out: (count("a_below"), count("a_above")),
            b_out: (count("b_below"), count("b_above")),
        })
    }

    fn range(&self) -> (f64, f64) {
        (
            self.edges.first().copied().unwrap_or(0.0),
            self.edges.last().copied().unwrap_or(1.0),
        )
    }
}

fn timing_histogram(
    out: &mut String,
    id: &str,
    h: &Histogram,
    median_a: Option<f64>,
    median_b: Option<f64>,
) {
    let (lo, hi) = h.range();
    let y_max = count_axis_max(h.a.iter().chain(&h.b).fold(1.0, |m: f64, x| m.max(*x)));
    svg_open(
        out,
        &format!("timing-histogram-{}", safe_id(id)),
        "Histogram of the rejection times of class A (first byte wrong) and class B (last byte wrong) over the central 98 %",
        H,
    );
    let ticks = even_ticks(lo, hi, 4, fmt_ns);
    axes(out, &ticks, (lo, hi), y_max, "deliveries");
    let (x0, x1, y0, y1) = (LEFT, W - RIGHT, H - BOTTOM, TOP);
    for (class, counts) in [("class-a", &h.a), ("class-b", &h.b)] {
        for (n, e) in counts.iter().zip(h.edges.windows(2)) {
            let ([e0, e1], true) = (e, *n > 0.0) else {
                continue;
            };
            let bx0 = scale(*e0, lo, hi, x0, x1);
            let bx1 = scale(*e1, lo, hi, x0, x1);
            let top = scale(*n, 0.0, y_max, y0, y1);
            svg_rect(
                out,
                bx0,
                top,
                (bx1 - bx0).max(0.5),
                y0 - top,
                &format!("bar {class}"),
            );
        }
    }
    for (m, class) in [(median_a, "median-a"), (median_b, "median-b")] {
        if let Some(m) = m.filter(|m| (lo..=hi).contains(m)) {
            let x = scale(m, lo, hi, x0, x1);
            svg_line(out, (x, y0), (x, y1), class);
        }
    }
    legend_ab(out);
    let outside = format!(
        "outside the range: A {} below, {} above; B {} below, {} above",
        h.a_out.0, h.a_out.1, h.b_out.0, h.b_out.1
    );
    svg_text(
        out,
        (x0 + x1) / 2.0,
        H - 6.0,
        "middle",
        "axis-label",
        &outside,
    );
    out.push_str("</svg>");
}

fn legend_ab(out: &mut String) {
    let x = W - RIGHT - 330.0;
    svg_rect(out, x, 8.0, 10.0, 10.0, "bar class-a");
    svg_text(
        out,
        x + 14.0,
        17.0,
        "start",
        "legend",
        "A: first byte wrong",
    );
    svg_rect(out, x + 150.0, 8.0, 10.0, 10.0, "bar class-b");
    svg_text(
        out,
        x + 164.0,
        17.0,
        "start",
        "legend",
        "B: last byte wrong",
    );
}

/// The empirical CDFs of both classes, from the histogram (exact at the
/// bin edges).
fn timing_ecdf(out: &mut String, id: &str, h: &Histogram) {
    let (lo, hi) = h.range();
    svg_open(
        out,
        &format!("timing-ecdf-{}", safe_id(id)),
        "Empirical cumulative distributions of the rejection times of class A and class B (at the bin edges)",
        H,
    );
    let ticks = even_ticks(lo, hi, 4, fmt_ns);
    axes(out, &ticks, (lo, hi), 1.0, "fraction ≤ x");
    let (x0, x1, y0, y1) = (LEFT, W - RIGHT, H - BOTTOM, TOP);
    for (class, counts, (below, above)) in [("ecdf-a", &h.a, h.a_out), ("ecdf-b", &h.b, h.b_out)] {
        let total = below + above + counts.iter().sum::<f64>();
        if total <= 0.0 {
            continue;
        }
        let mut cum = below;
        let mut points = format!("{:.1},{:.1}", x0, scale(cum / total, 0.0, 1.0, y0, y1));
        for (n, e) in counts.iter().zip(h.edges.iter().skip(1)) {
            cum += n;
            let x = scale(*e, lo, hi, x0, x1);
            let y = scale(cum / total, 0.0, 1.0, y0, y1);
            let _ = write!(points, " {x:.1},{y:.1}");
        }
        let _ = write!(out, "<polyline points=\"{points}\" class=\"{class}\"/>");
    }
    legend_ab(out);
    svg_text(
        out,
        (x0 + x1) / 2.0,
        H - 6.0,
        "middle",
        "axis-label",
        "rejection time",
    );
    out.push_str("</svg>");
}

/// The estimate with its 95 % CI on an axis through zero, against the
/// band ± the smallest detectable difference.
fn timing_difference(
    out: &mut String,
    id: &str,
    diff: f64,
    ci: Option<(f64, f64)>,
    mdd: Option<f64>,
) {
    let height = 140.0;
    let mut lo = diff.min(0.0);
    let mut hi = diff.max(0.0);
    if let Some((a, b)) = ci {
        lo = lo.min(a);
        hi = hi.max(b);
    }
    if let Some(m) = mdd {
        lo = lo.min(-m.abs());
        hi = hi.max(m.abs());
    }
    if hi <= lo {
        (lo, hi) = (lo - 1.0, hi + 1.0);
    }
    let pad = (hi - lo) * 0.1;
    let (lo, hi) = (lo - pad, hi + pad);
    let (x0, x1) = (LEFT, W - RIGHT);
    let y = 62.0;
    svg_open(
        out,
        &format!("timing-difference-{}", safe_id(id)),
        "The estimated difference B − A with its 95 % confidence interval, and the band of differences smaller than the smallest detectable one",
        height,
    );
    if let Some(m) = mdd {
        let (a, b) = (
            scale(-m.abs(), lo, hi, x0, x1),
            scale(m.abs(), lo, hi, x0, x1),
        );
        svg_rect(out, a, y - 22.0, b - a, 44.0, "mdd-band");
        svg_text(
            out,
            b - 4.0,
            y - 26.0,
            "end",
            "legend",
            &format!("± smallest detectable: {}", fmt_ns(m.abs())),
        );
    }
    let zero = scale(0.0, lo, hi, x0, x1);
    svg_line(out, (zero, y - 30.0), (zero, y + 30.0), "zero");
    svg_line(out, (x0, y + 36.0), (x1, y + 36.0), "axis");
    let ticks = even_ticks(lo, hi, 4, fmt_ns);
    for (i, (v, label)) in ticks.iter().enumerate() {
        let x = scale(*v, lo, hi, x0, x1);
        svg_line(out, (x, y + 36.0), (x, y + 40.0), "axis");
        let anchor = if i + 1 == ticks.len() {
            "end"
        } else {
            "middle"
        };
        svg_text(out, x, y + 52.0, anchor, "tick", label);
    }
    if let Some((a, b)) = ci {
        let (xa, xb) = (scale(a, lo, hi, x0, x1), scale(b, lo, hi, x0, x1));
        svg_line(out, (xa, y), (xb, y), "ci");
        svg_line(out, (xa, y - 8.0), (xa, y + 8.0), "ci");
        svg_line(out, (xb, y - 8.0), (xb, y + 8.0), "ci");
    }
    let x = scale(diff, lo, hi, x0, x1);
    if x.is_finite() {
        let _ = write!(
            out,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" class=\"estimate\"/>"
        );
    }
    let label = match ci {
        Some((a, b)) => format!(
            "B − A = {} (95 % CI {} … {})",
            fmt_ns(diff),
            fmt_ns(a),
            fmt_ns(b)
        ),
        None => format!("B − A = {}", fmt_ns(diff)),
    };
    svg_text(out, x0, 16.0, "start", "legend", &label);
    svg_text(
        out,
        (x0 + x1) / 2.0,
        height - 6.0,
        "middle",
        "axis-label",
        "difference of the rejection times, B − A",
    );
    out.push_str("</svg>");
}

// ------------------------------------------------------- inline CSS, JS

/// The stylesheet (its hash is in the page's Content-Security-Policy).
const CSS: &str = r#"
:root{--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#6e7781;--other:#8250df;--a:#0969da;--b:#d4550b;--border:#d0d7de;--muted:#57606a;--soft:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1120px;padding:1rem 1.25rem 3rem;color:#1f2328;background:#fff}
[hidden]{display:none !important}
h1{font-size:1.5rem;margin:.25rem 0}
h2{font-size:1.2rem;margin:1.6rem 0 .6rem;border-bottom:1px solid var(--border);padding-bottom:.2rem}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
h4{font-size:.9rem;margin:.8rem 0 .3rem}
code,pre,.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--soft);border:1px solid var(--border);padding:.5rem .6rem;border-radius:4px;max-height:32rem;overflow:auto;margin:.3rem 0}
a{color:var(--a)}
.muted{color:var(--muted)}
.badge{display:inline-block;min-width:3.3em;text-align:center;border-radius:3px;padding:0 .35em;font-weight:600;font-size:12px;color:#fff;background:var(--other)}
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}.badge.warn{background:var(--warn)}.badge.skip{background:var(--skip)}
.verdict{padding:.5rem .75rem;border-radius:6px;border:1px solid var(--border);background:var(--soft)}
.verdict.exit-0{border-color:var(--pass);background:#dafbe1}
.verdict.exit-1,.verdict.exit-2,.verdict.exit-3{border-color:var(--fail);background:#ffebe9}
ul.counts{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1.25rem;margin:.6rem 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0}
dl.facts dt{font-weight:600;color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
ul.notes{border-left:4px solid var(--warn);background:#fff8c5;padding:.4rem .4rem .4rem 1.6rem}
.filters{position:sticky;top:0;background:#fff;padding:.45rem 0;border-bottom:1px solid var(--border);z-index:1}
.filters label{margin-right:.8rem;cursor:pointer}
.filters input{vertical-align:middle}
.filters .label{font-weight:600;margin-right:.3rem}
button{font:inherit;font-size:12px;padding:.1rem .5rem;margin-left:.3rem;cursor:pointer}
.tally{font-size:12px;margin-left:.4rem}
.tally.fail{color:var(--fail)}.tally.warn{color:var(--warn)}.tally.pass{color:var(--pass)}
details.case{border:1px solid var(--border);border-left:5px solid var(--other);border-radius:4px;margin:.3rem 0;background:#fff}
details.case.pass{border-left-color:var(--pass)}details.case.fail{border-left-color:var(--fail)}details.case.warn{border-left-color:var(--warn)}details.case.skip{border-left-color:var(--skip)}
details.case>summary{cursor:pointer;padding:.3rem .55rem;overflow-wrap:anywhere}
details.case.fail>summary{background:#fff5f5}
.level{display:inline-block;min-width:3.6em;font-size:12px;font-weight:600;color:var(--muted)}
.gate{font-size:11px;font-weight:600;color:var(--fail);border:1px solid var(--fail);border-radius:3px;padding:0 .3em;margin-left:.3em}
.case-body{padding:.2rem .8rem .8rem;border-top:1px solid var(--border)}
.title{font-weight:600}
table.checks{border-collapse:collapse;width:100%;margin:.4rem 0;table-layout:fixed}
table.checks th,table.checks td{border:1px solid var(--border);padding:.2rem .45rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
table.checks th:nth-child(1){width:7rem}table.checks th:nth-child(2){width:8rem}
table.checks tr.fail td{background:#fff5f5}
.result{font-weight:600}.result.pass{color:var(--pass)}.result.fail{color:var(--fail)}.result.warn{color:var(--warn)}.result.skip{color:var(--skip)}
pre.http .req,pre.http .resp{font-weight:700}
pre.http .hname{color:var(--a)}
pre.http .error{color:var(--fail);font-weight:600}
.decision.fail{color:var(--fail)}.decision.pass{color:var(--pass)}.decision.warn{color:var(--warn)}
.charts{display:flex;flex-wrap:wrap;gap:.75rem;margin:.5rem 0}
svg.chart{max-width:100%;height:auto;border:1px solid var(--border);border-radius:4px;background:#fff}
svg .axis{stroke:#57606a;stroke-width:1}
svg .grid{stroke:#eaeef2;stroke-width:1}
svg .tick,svg .legend{font-size:11px;fill:#1f2328}
svg .axis-label{font-size:11px;fill:#57606a}
svg .bar.pass{fill:var(--pass)}svg .bar.fail{fill:var(--fail)}svg .bar.warn{fill:var(--warn)}svg .bar.skip{fill:var(--skip)}svg .bar.other{fill:var(--other)}
svg .bar.class-a{fill:var(--a);fill-opacity:.5}svg .bar.class-b{fill:var(--b);fill-opacity:.5}
svg .median-a{stroke:var(--a);stroke-width:2;stroke-dasharray:5 3}
svg .median-b{stroke:var(--b);stroke-width:2;stroke-dasharray:5 3}
svg .ecdf-a{fill:none;stroke:var(--a);stroke-width:2}
svg .ecdf-b{fill:none;stroke:var(--b);stroke-width:2}
svg .mdd-band{fill:#eaeef2}
svg .zero{stroke:#1f2328;stroke-width:1;stroke-dasharray:3 3}
svg .ci{stroke:var(--b);stroke-width:2.5}
svg .estimate{fill:var(--b)}
body.hide-pass details.case.pass,body.hide-fail details.case.fail,body.hide-warn details.case.warn,body.hide-skip details.case.skip{display:none}
body:has(#show-pass:not(:checked)) details.case.pass{display:none}
body:has(#show-fail:not(:checked)) details.case.fail{display:none}
body:has(#show-warn:not(:checked)) details.case.warn{display:none}
body:has(#show-skip:not(:checked)) details.case.skip{display:none}
footer{margin-top:2rem;font-size:12px;color:var(--muted)}
@media print{.filters{position:static}button{display:none}}
"#;

/// The script: filters (also work without it, through CSS), the count of
/// shown cases, expand/collapse, and opening the case named in the URL
/// fragment. Its hash is in the page's Content-Security-Policy.
const SCRIPT: &str = r#"
//<![CDATA[
(function () {
  "use strict";
  var doc = document;
  var list = function (sel) { return Array.prototype.slice.call(doc.querySelectorAll(sel)); };
  var boxes = list("input.filter");
  var cases = list("details.case");
  var families = list("section.family");
  var shown = doc.getElementById("shown");
  function apply() {
    var hide = {};
    boxes.forEach(function (b) {
      hide[b.value] = !b.checked;
      doc.body.classList.toggle("hide-" + b.value, !b.checked);
    });
    var n = 0;
    cases.forEach(function (c) {
      var h = hide[c.getAttribute("data-outcome")] === true;
      c.hidden = h;
      if (!h) { n += 1; }
    });
    families.forEach(function (f) {
      f.hidden = f.querySelector("details.case:not([hidden])") === null;
    });
    if (shown) { shown.textContent = n + " of " + cases.length + " cases shown"; }
  }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  var actions = {
    "expand-failures": function (c) { return c.classList.contains("fail") || c.classList.contains("counted"); },
    "expand-all": function () { return true; },
    "collapse-all": function () { return false; }
  };
  Object.keys(actions).forEach(function (id) {
    var button = doc.getElementById(id);
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      cases.forEach(function (c) { c.open = actions[id](c); });
    });
  });
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? doc.getElementById(id) : null;
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  apply();
})();
//]]>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_the_five_and_controls() {
        assert_eq!(
            escape("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(
            escape("a\u{1}b\u{7f}c\u{9b}\n"),
            "a\\u{1}b\\u{7f}c\\u{9b}\n"
        );
        assert_eq!(escape("\u{fffe}\u{fdd0}"), "\\u{fffe}\\u{fdd0}");
        assert_eq!(escape("é – ✓"), "é – ✓");
    }

    #[test]
    fn caps_say_what_they_cut() {
        assert_eq!(esc_cap("abc", 3), "abc");
        assert_eq!(esc_cap("a<cd", 2), "a&lt;… (2 more characters not shown)");
    }

    #[test]
    fn the_csp_hashes_match_the_inline_texts() {
        let page = from_json(
            &serde_json::json!({"scheme": "x", "cases": []}),
            &Verdict {
                exit_code: 0,
                newly_failing: vec![],
                newly_passing: vec![],
            },
            false,
        );
        assert!(page.contains(&format!("<script>{SCRIPT}</script>")));
        assert!(page.contains(&format!("<style>{CSS}</style>")));
        assert!(page.contains(&csp_hash(SCRIPT)));
        assert!(page.contains(&csp_hash(CSS)));
        assert!(!SCRIPT.contains("</"), "the script must not close itself");
    }

    #[test]
    fn hostile_histograms_are_refused_or_bounded() {
        let bad = serde_json::json!({"edges_ns": [3.0, 2.0], "a": [1], "b": [1]});
        assert!(Histogram::from_json(&bad).is_none());
        let huge = serde_json::json!({
            "edges_ns": (0..10_000).map(f64::from).collect::<Vec<_>>(),
            "a": vec![1; 10_000], "b": vec![1; 10_000]
        });
        let h = Histogram::from_json(&huge).unwrap();
        assert_eq!(h.a.len(), MAX_BINS);
        let short = serde_json::json!({"edges_ns": [0.0, 1.0, 2.0], "a": [1], "b": []});
        let h = Histogram::from_json(&short).unwrap();
        assert_eq!((h.a.len(), h.b.len()), (2, 2));
    }
}
