//! `hookspec::testing` as a user's test crate drives it: the external
//! receiver variables (set, missing, wrong) and the linked recipe.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::HashMap;

use hookspec::demo::start_reference;
use hookspec::keys::test_keys::TEST_SECRET;
use hookspec::runner::Outcome;
use hookspec::testing::Suite;
use hookspec::SchemeId;

fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    move |k| map.get(k).cloned()
}

#[test]
fn without_the_variables_the_external_suite_is_ignored_with_a_message() {
    let trials = Suite::from_vars(vars(&[])).trials();
    assert_eq!(trials.len(), 1);
    assert!(trials[0].has_ignored_flag());
    let name = trials[0].name();
    for v in ["HOOKSPEC_URL", "HOOKSPEC_SCHEME", "HOOKSPEC_SECRET"] {
        assert!(name.contains(v), "{name}");
    }
}

#[test]
fn a_half_configured_external_suite_fails_loudly() {
    let trials = Suite::from_vars(vars(&[("HOOKSPEC_URL", "http://127.0.0.1:9/")])).trials();
    assert_eq!(trials.len(), 1);
    assert!(!trials[0].has_ignored_flag());
    assert_eq!(trials[0].name(), "external::hookspec::configuration");
    let trials = Suite::from_vars(vars(&[
        ("HOOKSPEC_URL", "http://127.0.0.1:9/"),
        ("HOOKSPEC_SCHEME", "certifylize"),
    ]))
    .trials();
    assert_eq!(trials[0].name(), "external::hookspec::configuration");
}

#[test]
fn the_external_suite_runs_against_a_url_and_names_each_case() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let local = rt
        .block_on(start_reference(
            "blink-signature".parse::<SchemeId>().unwrap(),
            TEST_SECRET.as_bytes(),
            &[],
        ))
        .unwrap();
    let env = vars(&[
        ("HOOKSPEC_URL", &local.webhook_url),
        ("HOOKSPEC_SCHEME", "blink-signature"),
        ("HOOKSPEC_SECRET", TEST_SECRET),
        ("HOOKSPEC_EFFECTS_URL", &local.effects_url),
    ]);
    let trials = Suite::from_vars(&env).trials();
    assert!(trials.len() > 30);
    assert!(trials
        .iter()
        .all(|t| t.name().starts_with("external::blink-signature.")));
    assert!(trials.iter().all(|t| !t.has_ignored_flag()));
    let report = Suite::from_vars(&env).run_blocking().unwrap();
    let bad: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.outcome != Outcome::Pass)
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    drop(local);
}

#[test]
fn cases_that_need_an_oracle_are_ignored_without_one() {
    let trials = Suite::linked("certifylize".parse::<SchemeId>().unwrap(), |_| {
        axum::Router::new()
    })
    .secret("s3cret")
    .trials();
    let dup = trials
        .iter()
        .find(|t| t.name() == "certifylize.idempotency.duplicate-processed-once")
        .unwrap();
    assert!(dup.has_ignored_flag());
    assert_eq!(dup.kind(), "needs the effects oracle");
    let plain = trials
        .iter()
        .find(|t| t.name() == "certifylize.accept.plain")
        .unwrap();
    assert!(!plain.has_ignored_flag());
}

/// The vector adapter can fail: a verifier that accepts everything fails
/// exactly the `invalid` vectors, one that rejects everything exactly the
/// `valid` ones.
#[test]
fn the_vector_adapter_fails_a_verifier_that_accepts_or_rejects_everything() {
    use hookspec::testing::check_vector;
    use hookspec::vectors::{self, Expected};
    let file = vectors::generate("certifylize".parse::<SchemeId>().unwrap()).unwrap();
    let count = |want: Expected| file.tests().filter(|(_, t)| t.result == want).count();
    let failures = |answer: bool| {
        file.tests()
            .filter(|(g, t)| {
                check_vector("certifylize".parse::<SchemeId>().unwrap(), g, t, &|_, _| {
                    answer
                })
                .is_err()
            })
            .count()
    };
    assert_eq!(failures(true), count(Expected::Invalid));
    assert_eq!(failures(false), count(Expected::Valid));
    assert!(count(Expected::Valid) > 10 && count(Expected::Invalid) > 10);
    let (g, t) = file
        .tests()
        .find(|(_, t)| t.result == Expected::Invalid)
        .unwrap();
    let msg = check_vector("certifylize".parse::<SchemeId>().unwrap(), g, t, &|_, _| {
        true
    })
    .unwrap_err();
    assert!(
        msg.contains("\"tcId\"") && msg.contains("accepted"),
        "{msg}"
    );
    assert_eq!(
        hookspec::testing::vector_trials("certifylize".parse::<SchemeId>().unwrap(), |_, _| true)
            .len(),
        file.tests().count()
    );
}

/// A scheme file that does not load: acme.toml with an unknown field
/// (`algoritm`, at the line [`bad_line`] says, column 1).
fn bad_scheme_file(what: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hookspec-testing-api-{what}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemes/acme.toml"),
    )
    .unwrap();
    let bad = good.replacen("algorithm = ", "algoritm = ", 1);
    assert_ne!(bad, good);
    let path = dir.join("acme-bad.toml");
    std::fs::write(&path, bad).unwrap();
    path
}

/// The line of the unknown field in [`bad_scheme_file`].
fn bad_line(path: &std::path::Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    1 + text
        .lines()
        .position(|l| l.starts_with("algoritm = "))
        .unwrap()
}

/// Runs trials as `cargo test` would; the number that failed. The inner
/// run's log (its own "test result: FAILED" line) goes to a file, so that
/// this crate's output carries only its own summary.
fn failed(trials: Vec<libtest_mimic::Trial>) -> u64 {
    let log = std::env::temp_dir().join(format!(
        "hookspec-inner-run-{}-{:?}.log",
        std::process::id(),
        std::thread::current().id()
    ));
    let args = libtest_mimic::Arguments {
        quiet: true,
        test_threads: Some(1),
        logfile: Some(log.display().to_string()),
        ..Default::default()
    };
    let n = libtest_mimic::run(&args, trials).num_failed;
    let _ = std::fs::remove_file(&log);
    n
}

#[test]
fn a_bad_scheme_file_makes_the_linked_suite_one_failing_trial_that_says_why() {
    let path = bad_scheme_file("linked");
    let suite = || Suite::linked_with_scheme(&path, |_| axum::Router::new()).secret("00112233");
    let trials = suite().trials();
    assert_eq!(trials.len(), 1);
    assert_eq!(trials[0].name(), "hookspec::configuration");
    assert!(!trials[0].has_ignored_flag());
    assert_eq!(failed(trials), 1, "not a silent pass");
    let why = suite().run_blocking().unwrap_err().to_string();
    assert!(
        why.contains(&format!(
            "{}:{}:1: unknown field `algoritm`; did you mean `algorithm`?",
            path.display(),
            bad_line(&path)
        )),
        "{why}"
    );
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn a_missing_scheme_file_makes_the_linked_suite_one_failing_trial_naming_it() {
    let path = std::env::temp_dir().join(format!("hookspec-no-such-{}.toml", std::process::id()));
    let suite = || Suite::linked_with_scheme(&path, |_| axum::Router::new()).secret("00112233");
    let trials = suite().trials();
    assert_eq!(trials.len(), 1);
    assert_eq!(trials[0].name(), "hookspec::configuration");
    assert!(!trials[0].has_ignored_flag());
    let why = suite().run_blocking().unwrap_err().to_string();
    assert!(why.contains(&path.display().to_string()), "{why}");
}

#[test]
fn a_bad_hookspec_scheme_file_makes_the_external_suite_one_failing_trial_that_says_why() {
    let path = bad_scheme_file("external");
    let p = path.display().to_string();
    let env = vars(&[
        ("HOOKSPEC_URL", "http://127.0.0.1:9/hooks/acme"),
        ("HOOKSPEC_SCHEME_FILE", &p),
        ("HOOKSPEC_SECRET", "00112233"),
    ]);
    let trials = Suite::from_vars(&env).trials();
    assert_eq!(trials.len(), 1);
    assert_eq!(trials[0].name(), "external::hookspec::configuration");
    assert!(!trials[0].has_ignored_flag());
    let why = Suite::from_vars(&env)
        .run_blocking()
        .unwrap_err()
        .to_string();
    assert!(
        why.contains(&format!(
            "HOOKSPEC_SCHEME_FILE: {p}:{}:1: unknown field `algoritm`",
            bad_line(&path)
        )),
        "{why}"
    );
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn a_good_hookspec_scheme_file_names_the_scheme_of_the_external_suite() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemes/acme.toml");
    let p = path.display().to_string();
    let env = vars(&[
        ("HOOKSPEC_URL", "http://127.0.0.1:9/hooks/acme"),
        ("HOOKSPEC_SCHEME_FILE", &p),
        ("HOOKSPEC_SECRET", "8f3c2a9be17d4c05"),
    ]);
    let trials = Suite::from_vars(&env).trials();
    assert!(trials.len() > 50);
    assert!(trials
        .iter()
        .all(|t| t.name().starts_with("external::acme.")));
    // HOOKSPEC_SCHEME naming another scheme than the file's is refused.
    let env = vars(&[
        ("HOOKSPEC_URL", "http://127.0.0.1:9/hooks/acme"),
        ("HOOKSPEC_SCHEME_FILE", &p),
        ("HOOKSPEC_SCHEME", "certifylize"),
        ("HOOKSPEC_SECRET", "8f3c2a9be17d4c05"),
    ]);
    let trials = Suite::from_vars(&env).trials();
    assert_eq!(trials.len(), 1);
    assert_eq!(trials[0].name(), "external::hookspec::configuration");
    assert!(!trials[0].has_ignored_flag());
}
