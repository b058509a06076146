//! `hookspec run`: the suite against a receiver URL.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};

use hookspec::input::{self, MAX_BASELINE_FILE};
use hookspec::redact::Redactor;
use hookspec::report::{self, Baseline};
use hookspec::runner::{KeyPublisher, RunConfig, RunReport, Runner, Selection, TimingRun};
use hookspec::scheme::CredentialKind;
use hookspec::target::{HttpTarget, Target, TlsOptions};

use super::args::*;
use super::output::*;
use super::runtime;

/// Reads `--expect-failures FILE` (bounded) and checks every id against
/// the cases this run could select: the catalogue built with the run's own
/// options (timing, tolerance, timeout), before `--filter`/`--exclude`.
pub(crate) fn load_baseline(path: &Path, config: &RunConfig) -> Result<Baseline> {
    let bytes = input::read_file(path, MAX_BASELINE_FILE, "an expected-failures list")
        .context("--expect-failures")?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow!("--expect-failures: {}: not UTF-8 text", path.display()))?;
    let baseline =
        Baseline::parse(&text).with_context(|| format!("--expect-failures {}", path.display()))?;
    let ids = |c: &RunConfig| -> std::collections::BTreeSet<String> {
        let mut every = c.clone();
        every.selection = Selection::default();
        every.cases().into_iter().map(|c| c.id).collect()
    };
    let all = ids(config);
    // Ids that only an option adds, for a message that names the option.
    let with_timing = if config.timing.is_none() {
        let mut timed = config.clone();
        timed.timing = Some(TimingRun {
            config: hookspec::timing::TimingConfig::default(),
            gate: false,
            in_process: false,
            progress: false,
        });
        ids(&timed)
    } else {
        Default::default()
    };
    for (id, _) in &baseline.entries {
        if all.contains(id) {
            continue;
        }
        if with_timing.contains(id) {
            bail!(
                "--expect-failures {}: `{id}` is a case only with --timing \
                 (add --timing to the run, or remove the line)",
                path.display()
            );
        }
        bail!(
            "--expect-failures {}: `{id}` is not a case of scheme `{}` (see --list)",
            path.display(),
            config.scheme
        );
    }
    Ok(baseline)
}

/// Opens every `--report FORMAT=PATH` file before anything is sent (a path
/// given twice, or also as --output, is an error: one run, one file each).
pub(crate) fn open_reports(args: &RunArgs) -> Result<Vec<(Format, ReportFile)>> {
    let mut seen: Vec<&std::path::Path> = args.output.iter().map(|p| p.as_path()).collect();
    let mut out = Vec::new();
    for spec in &args.reports {
        if seen.contains(&spec.path.as_path()) {
            bail!(
                "--report {}: this file is already the destination of another report",
                spec.path.display()
            );
        }
        seen.push(&spec.path);
        out.push((spec.format, ReportFile::open_for("--report", &spec.path)?));
    }
    Ok(out)
}

/// Runs the suite as `args` say, without writing any report: the redacted
/// report and the baseline, or `None` when the cases were only listed.
fn execute(args: &RunArgs) -> Result<Option<(RunReport, Option<Baseline>)>> {
    let secret = args.secret.read()?;
    let mut r = Redactor::new();
    if let Some(s) = &secret {
        if s.len() < hookspec::redact::MIN_SECRET_LEN {
            bail!(
                "the secret is shorter than {} bytes: too short to be kept out of the reports (and too short for any receiver to accept)",
                hookspec::redact::MIN_SECRET_LEN
            );
        }
        r = r.secret(s);
    }
    for u in args.url.iter().chain(args.effects_url.iter()) {
        r = r.url(u);
    }
    learn(|known| known.merge(r));
    let scheme = args.scheme.id()?;
    if let Some(s) = &secret {
        // The key bytes a `whsec_…` or hex secret decodes to are secret
        // too (a receiver could echo them).
        if let Ok(key) = scheme.scheme().shared_key(s) {
            if key != *s && key.len() >= hookspec::redact::MIN_SECRET_LEN {
                learn(|known| known.secret(&key));
            }
        }
    }
    let needs_secret = scheme.scheme().credential == CredentialKind::SharedSecret;
    let mut config = if needs_secret && secret.is_none() && args.list {
        // Listing signs nothing: any secret the scheme can decode will do.
        RunConfig::new(
            scheme,
            Some(scheme.scheme().test_secret.as_bytes().to_vec()),
        )?
    } else {
        RunConfig::new(scheme, secret)?
    };
    // The numbers were range-checked when the arguments were parsed.
    if let Some(ms) = args.timeout_ms {
        config.timeout = Duration::from_millis(ms);
    }
    config.tolerance_s = args.tolerance;
    config.rotation_window = Duration::from_secs(args.rotation_window);
    if args.timing {
        let timing = hookspec::timing::TimingConfig::with_samples(args.timing_samples);
        timing.validate()?;
        config.timing = Some(TimingRun {
            config: timing,
            gate: args.timing_gate,
            in_process: false,
            progress: std::io::stderr().is_terminal(),
        });
    }
    let baseline = match &args.expect_failures {
        Some(p) => Some(load_baseline(p, &config)?),
        None => None,
    };
    config.selection = Selection {
        include: args.filter.clone(),
        exclude: args.exclude.clone(),
    };
    let cases = config.cases();
    if cases.is_empty() {
        bail!("--filter/--exclude select no case (see --list)");
    }
    let mut tls = TlsOptions {
        insecure: args.insecure,
        ..TlsOptions::default()
    };
    if let Some(p) = &args.ca_cert {
        tls = tls.with_ca_file(p).context("--ca-cert")?;
    }
    if args.list {
        for c in &cases {
            outln!("{:<6} {:<55} {}", c.level.as_str(), c.id, c.title)?;
        }
        return Ok(None);
    }
    let url = args
        .url
        .clone()
        .ok_or_else(|| anyhow!("--url is required"))?;
    let target = HttpTarget::new(&url, config.timeout, &tls).context("--url")?;
    let effects = match &args.effects_url {
        Some(u) => Some(HttpTarget::new(u, config.timeout, &tls).context("--effects-url")?),
        None => None,
    };
    let rt = runtime()?;
    let report = rt.block_on(async {
        let key_server = match args.key_server_addr {
            Some(_) if !needs_secret && config.scheme.scheme().key_routes.is_empty() => bail!(
                "--key-server-addr: scheme `{}` names no key routes (credential.key_routes)",
                config.scheme
            ),
            Some(addr) if !needs_secret => Some(
                hookspec::keyserver::start_publishing(addr, config.scheme.scheme(), &config.key)
                    .await
                    .with_context(|| format!("--key-server-addr {addr}"))?,
            ),
            Some(_) => bail!("--key-server-addr is for schemes with published keys"),
            None => None,
        };
        let runner = Runner::new(&config, &target).with_services(
            effects.as_ref().map(|e| e as &dyn Target),
            key_server
                .as_ref()
                .map(|k| k.state().as_ref() as &dyn KeyPublisher),
        );
        Ok::<_, anyhow::Error>(runner.run().await)
    })?;
    Ok(Some((redactor().report(&report), baseline)))
}

pub(crate) fn run(args: RunArgs) -> Result<u8> {
    if let Some(path) = &args.config {
        return super::many::run_config(path, &args);
    }
    let mut output = args.output.as_deref().map(ReportFile::open).transpose()?;
    let mut reports = open_reports(&args)?;
    let Some((report, baseline)) = execute(&args)? else {
        return Ok(0);
    };
    // A refused run writes its report too (it says why, and a JUnit file
    // left from an earlier run must not stand for this one); the exit code
    // is 2, a configuration error (`report::verdict`).
    emit(
        &report,
        args.format,
        args.strict,
        output.as_mut(),
        args.verbose,
        baseline.as_ref(),
    )?;
    write_reports(
        &report,
        args.strict,
        args.verbose,
        baseline.as_ref(),
        &mut reports,
    )?;
    Ok(conclude(&report, args.strict, baseline.as_ref()))
}

/// The messages on stderr after a run, and its exit code.
pub(crate) fn conclude(report: &RunReport, strict: bool, baseline: Option<&Baseline>) -> u8 {
    if let Some(why) = &report.refused {
        errln!("hookspec: error: the run was refused before anything was sent: {why}");
    }
    let v = report::verdict(report, strict, baseline);
    if baseline.is_some() {
        for id in &v.newly_failing {
            errln!("newly failing (not in --expect-failures): {id}");
        }
        for id in &v.newly_passing {
            errln!("newly passing (remove it from --expect-failures): {id}");
        }
    }
    if let Some(why) = &report.unreachable {
        errln!("hookspec: the target could not be reached: {why}");
    }
    for why in &report.incomplete {
        errln!("hookspec: incomplete run: {why}");
    }
    v.exit_code
}

/// Runs one target of a `--config` file (see `many`).
pub(crate) fn execute_one(args: &RunArgs) -> Result<(RunReport, Option<Baseline>)> {
    execute(args)?.ok_or_else(|| anyhow!("--list lists the cases; it runs nothing"))
}
