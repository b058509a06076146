//! A full conformance run of one scheme against the in-process reference
//! receiver over loopback, the cases that wait by design excluded (key
//! rotation, the one-second slow upload; issue: "well under 5 s"). Run:
//! `cargo bench --bench full_run`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use hookspec::demo::run_demo;
use hookspec::SchemeId;

fn full_run(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut group = c.benchmark_group("full_run");
    group.sample_size(10);
    for scheme in SchemeId::builtins() {
        group.bench_function(scheme.as_str(), |b| {
            b.iter(|| {
                let report = rt
                    .block_on(run_demo(scheme, |cfg| {
                        cfg.selection.exclude.push(".rotation.".into());
                        cfg.selection.exclude.push(".slow-upload".into());
                    }))
                    .expect("run");
                assert!(report
                    .results
                    .iter()
                    .all(|r| r.outcome == hookspec::runner::Outcome::Pass));
                report
            })
        });
    }
    group.finish();
}

criterion_group!(benches, full_run);
criterion_main!(benches);
