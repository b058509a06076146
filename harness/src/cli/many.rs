//! `hookspec run --config FILE`: several receivers in one run, one after
//! the other; one combined report per format (a section per target; JUnit:
//! one `<testsuite>` each) and the worst exit code. The file is
//! [`hookspec::targets`]; every target is checked (scheme, secret, files)
//! before anything is sent to any of them.

use std::path::Path;

use anyhow::{anyhow, Context, Result};

use hookspec::report::{self, Baseline};
use hookspec::runner::RunReport;
use hookspec::targets::Target;

use super::args::*;
use super::output::*;
use super::run::{conclude, execute_one, open_reports};

/// The name a target goes by in the reports.
fn label(t: &Target, index: usize) -> String {
    t.name
        .clone()
        .or_else(|| t.scheme.clone())
        .unwrap_or_else(|| format!("target-{}", index + 1))
}

/// The run arguments of target `t`: the file's fields over the command
/// line's common options (format, reports, strict, timing, window…).
fn target_args(t: &Target, common: &RunArgs) -> Result<RunArgs> {
    let mut a = common.clone();
    a.config = None;
    a.output = None;
    a.reports = Vec::new();
    a.scheme = SchemeArgs {
        scheme: t
            .scheme
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e| anyhow!("{}: {e}", t.at))?,
        scheme_file: t.scheme_file.clone(),
    };
    a.url = Some(t.url.clone());
    a.secret = SecretArgs {
        secret: None,
        secret_env: t.secret_env.clone(),
        secret_file: t.secret_file.clone(),
    };
    a.effects_url = t.effects_url.clone();
    a.key_server_addr = t.key_server_addr;
    a.filter = t.filter.clone();
    a.exclude = t.exclude.clone();
    a.expect_failures = t.expect_failures.clone();
    if t.timeout_ms.is_some() {
        a.timeout_ms = t.timeout_ms;
    }
    // Checked now, before anything is sent to any target.
    a.scheme.id().with_context(|| format!("{}", t.at))?;
    a.secret.read().with_context(|| format!("{}", t.at))?;
    Ok(a)
}

pub(crate) fn run_config(path: &Path, common: &RunArgs) -> Result<u8> {
    let targets = hookspec::targets::load(path).map_err(|e| anyhow!("{e}"))?;
    let runs = targets
        .iter()
        .enumerate()
        .map(|(i, t)| Ok((label(t, i), target_args(t, common)?)))
        .collect::<Result<Vec<_>>>()?;
    let mut output = common.output.as_deref().map(ReportFile::open).transpose()?;
    let mut reports = open_reports(common)?;
    let mut done: Vec<(String, RunReport, Option<Baseline>)> = Vec::new();
    let mut code = 0u8;
    for (name, args) in runs {
        errln!(
            "hookspec: target {name}: {}",
            args.url.as_deref().unwrap_or_default()
        );
        match execute_one(&args) {
            Ok((report, baseline)) => {
                code = code.max(conclude(&report, common.strict, baseline.as_ref()));
                done.push((name, report, baseline));
            }
            Err(e) => {
                // The other targets still run and are reported.
                errln!("hookspec: error: target {name}: {}", error_chain(&e));
                code = code.max(report::EXIT_USAGE);
            }
        }
    }
    let text = render_many(&done, common.format, common.strict, common.verbose)?;
    match output.as_mut() {
        Some(file) => file.replace(text.as_bytes(), "--output")?,
        None => out(text.as_bytes())?,
    }
    for (format, file) in &mut reports {
        let text = render_many(&done, *format, common.strict, common.verbose)?;
        file.replace(text.as_bytes(), "--report")?;
    }
    Ok(code)
}

/// The combined report of several runs in `format`.
fn render_many(
    runs: &[(String, RunReport, Option<Baseline>)],
    format: Format,
    strict: bool,
    verbose: u8,
) -> Result<String> {
    Ok(match format {
        Format::Json => {
            let targets: Vec<serde_json::Value> = runs
                .iter()
                .map(|(name, r, _)| serde_json::json!({ "name": name, "report": report::json(r) }))
                .collect();
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "tool": "hookspec",
                "version": hookspec::VERSION,
                "targets": targets,
            }))?;
            s.push('\n');
            s
        }
        Format::Junit => {
            let named: Vec<(String, &RunReport)> = runs
                .iter()
                .map(|(name, r, _)| (format!("hookspec.{name}"), r))
                .collect();
            report::junit_many(&named, strict)?
        }
        Format::Html => {
            let named: Vec<(String, &RunReport, Option<&Baseline>)> = runs
                .iter()
                .map(|(name, r, b)| (name.clone(), r, b.as_ref()))
                .collect();
            hookspec::html_report::html_many(&named, strict)
        }
        Format::Human | Format::Markdown => {
            let mut all = String::new();
            for (name, r, baseline) in runs {
                if format == Format::Human {
                    all.push_str(&format!("=== target {name} ===\n"));
                }
                all.push_str(&render(
                    r,
                    format,
                    strict,
                    false,
                    verbose,
                    baseline.as_ref(),
                )?);
                all.push('\n');
            }
            all
        }
    })
}
