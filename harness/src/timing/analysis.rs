//! Analysis: the paired samples turned into a [`TimingReport`] and its
//! decision (see the module docs of [`crate::timing`]).

use super::stats::{
    bootstrap_medians, box_test, dudect, median, norm_ppf, percentile_interval, resolution,
    sign_test, wilcoxon_signed_rank,
};
use super::{fmt_ns, fmt_p, Decision, TimingConfig, TimingHistogram, TimingReport};

/// Analyses paired samples: pair `i` is `(a_ns[i], b_ns[i])`, measured
/// adjacently in a random order. Extra samples of the longer slice and
/// pairs with a non-finite value are ignored. Total: any input gives a
/// report (with too few pairs, an inconclusive one).
pub fn analyze(a_ns: &[f64], b_ns: &[f64], cfg: &TimingConfig) -> TimingReport {
    analyze_ordered(a_ns, b_ns, None, cfg)
}

/// [`analyze`], knowing for each pair whether A was sent first
/// (`a_first[i]`): the estimate then cancels the first-in-pair effect.
/// The tests are the same (they are exact under "no leak" either way).
pub fn analyze_ordered(
    a_ns: &[f64],
    b_ns: &[f64],
    a_first: Option<&[bool]>,
    cfg: &TimingConfig,
) -> TimingReport {
    let mut a = Vec::new();
    let mut b = Vec::new();
    let mut first = Vec::new();
    for (i, (x, y)) in a_ns.iter().zip(b_ns).enumerate() {
        if x.is_finite() && y.is_finite() {
            a.push(*x);
            b.push(*y);
            first.push(a_first.and_then(|o| o.get(i).copied()));
        }
    }
    let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| y - x).collect();
    let n = d.len();
    let bonf = cfg.bonferroni_alpha();

    let wilcoxon = wilcoxon_signed_rank(&d);
    let sign_test = sign_test(&d);
    let mut dudect = dudect(&a, &b);
    dudect.threshold = cfg.dudect_threshold;
    dudect.enough_samples = n >= cfg.dudect_min_samples;
    dudect.leak = dudect.enough_samples && dudect.max_t.abs() > cfg.dudect_threshold;
    let box_test = box_test(&a, &b, cfg.box_quantiles);

    // The estimate: per order stratum when the order is known.
    let stratum = |want: bool| -> Vec<f64> {
        d.iter()
            .zip(&first)
            .filter(|(_, f)| **f == Some(want))
            .map(|(v, _)| *v)
            .collect()
    };
    let (d_af, d_bf) = (stratum(true), stratum(false));
    let seed = cfg.seed ^ 0xb007_57a9;
    let (median_diff_ns, boot, first_in_pair_penalty_ns) = if d_af.len() >= 2 && d_bf.len() >= 2 {
        let (ma, mb) = (median(&d_af), median(&d_bf));
        let ba = bootstrap_medians(&d_af, cfg.bootstrap, seed);
        let bb = bootstrap_medians(&d_bf, cfg.bootstrap, seed.wrapping_add(1));
        let boot: Vec<f64> = ba.iter().zip(&bb).map(|(x, y)| (x + y) / 2.0).collect();
        // A-first: d = δ − P; B-first: d = δ + P.
        ((ma + mb) / 2.0, boot, Some((mb - ma) / 2.0))
    } else {
        (median(&d), bootstrap_medians(&d, cfg.bootstrap, seed), None)
    };
    let ci95_ns = percentile_interval(boot, 0.95);
    let se = (ci95_ns.1 - ci95_ns.0) / (2.0 * norm_ppf(0.975));
    let z_sum = norm_ppf(1.0 - bonf / 2.0) + norm_ppf(cfg.power);
    let resolution = resolution(&a, &b);
    let min_detectable_ns = if se.is_finite() {
        (z_sum * se).max(resolution)
    } else {
        f64::NAN
    };

    // Which tests reject, and in which direction: an early exit makes the
    // last-byte-wrong class (B) slower.
    let mut rejecting = Vec::new();
    let mut reverse = Vec::new();
    let mut judge = |rejects: bool, b_slower: bool, what: String| {
        if rejects {
            if b_slower {
                rejecting.push(what);
            } else {
                reverse.push(what);
            }
        }
    };
    judge(
        wilcoxon.p < bonf,
        wilcoxon.z > 0.0,
        format!("Wilcoxon p={}", fmt_p(wilcoxon.p)),
    );
    judge(
        sign_test.p < bonf,
        sign_test.positive > sign_test.negative,
        format!("sign test p={}", fmt_p(sign_test.p)),
    );
    judge(
        dudect.leak,
        dudect.max_t > 0.0,
        format!("dudect |t|={:.1}", dudect.max_t.abs()),
    );
    let p_min = wilcoxon.p.min(sign_test.p);
    let min_samples = cfg.min_samples.max(2);
    let (decision, reason) = if n < min_samples {
        (
            Decision::Inconclusive,
            format!("only {n} valid pairs; at least {min_samples} are needed"),
        )
    } else if !rejecting.is_empty() && median_diff_ns.abs() < cfg.min_effect_ns {
        (
            Decision::Inconclusive,
            format!(
                "significant ({}) but the estimated difference {} is below the {} that is \
                 called a leak",
                rejecting.join(", "),
                fmt_ns(median_diff_ns),
                fmt_ns(cfg.min_effect_ns)
            ),
        )
    } else if !rejecting.is_empty() {
        (
            Decision::Leak,
            format!(
                "last-byte-wrong deliveries are rejected {} slower ({} at α/3={:.1e})",
                fmt_ns(median_diff_ns),
                rejecting.join(", "),
                bonf
            ),
        )
    } else if !reverse.is_empty() {
        (
            Decision::Inconclusive,
            format!(
                "first-byte-wrong deliveries are rejected {} slower ({}): the opposite of \
                 an early-exit comparison, so a difference elsewhere on the path, not \
                 called a leak",
                fmt_ns(-median_diff_ns),
                reverse.join(", ")
            ),
        )
    } else if p_min < cfg.alpha {
        (
            Decision::Inconclusive,
            format!(
                "borderline: smallest p={} is below α={} but not below α/3; \
                 run again with more samples",
                fmt_p(p_min),
                cfg.alpha
            ),
        )
    } else {
        (
            Decision::NoLeakDetected,
            format!(
                "no test rejected at α/3={bonf:.1e}; a difference below {} could have gone \
                 unnoticed",
                fmt_ns(min_detectable_ns)
            ),
        )
    };

    TimingReport {
        decision,
        reason,
        n,
        median_a_ns: median(&a),
        median_b_ns: median(&b),
        median_diff_ns,
        ci95_ns,
        first_in_pair_penalty_ns,
        min_detectable_ns,
        power: cfg.power,
        alpha: cfg.alpha,
        bonferroni_alpha: bonf,
        wilcoxon,
        sign_test,
        dudect,
        box_test,
        transport: None,
        histogram: TimingHistogram::of(&a, &b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timing::{bootstrap_median_ci, quantile_sorted, welch_t, SplitMix64, MAX_SAMPLES};
    use crate::Error;

    /// Standard normal (Box–Muller).
    fn normal(r: &mut SplitMix64) -> f64 {
        let (u, v) = (r.unit(), r.unit());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// Pareto with shape `k` and scale 1 (heavy right tail).
    fn pareto(r: &mut SplitMix64, k: f64) -> f64 {
        r.unit().powf(-1.0 / k)
    }

    /// Standard Cauchy.
    fn cauchy(r: &mut SplitMix64) -> f64 {
        (std::f64::consts::PI * (r.unit() - 0.5)).tan()
    }

    /// Simulates a measurement: `n` pairs, classes in random order inside
    /// each pair, `noise` drawn per request, `shift` added to class B,
    /// plus a slow drift and a penalty for the first request of a pair
    /// (what a busy machine does): neither may create a false "leak".
    fn simulate(
        seed: u64,
        n: usize,
        shift: f64,
        mut noise: impl FnMut(&mut SplitMix64) -> f64,
    ) -> (Vec<f64>, Vec<f64>) {
        let mut r = SplitMix64::new(seed);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for i in 0..n {
            let drift = 2000.0 * (i as f64 / 300.0).sin();
            let first = 20_000.0 + drift + 300.0 + noise(&mut r);
            let second = 20_000.0 + drift + noise(&mut r);
            if r.below(2) == 0 {
                a.push(first);
                b.push(second + shift);
            } else {
                b.push(first + shift);
                a.push(second);
            }
        }
        (a, b)
    }

    fn fast_cfg(alpha: f64) -> TimingConfig {
        TimingConfig {
            alpha,
            bootstrap: 40,
            min_samples: 50,
            dudect_min_samples: 200,
            ..TimingConfig::default()
        }
    }
    #[test]
    fn degenerate_inputs_never_panic() {
        let cfg = TimingConfig::default();
        for (a, b) in [
            (vec![], vec![]),
            (vec![1.0], vec![2.0]),
            (vec![f64::NAN; 500], vec![1.0; 500]),
            (vec![f64::INFINITY, 1.0], vec![1.0]),
        ] {
            let r = analyze(&a, &b, &cfg);
            assert_eq!(r.decision, Decision::Inconclusive, "{r}");
            assert!(!r.to_string().is_empty());
            assert!(serde_json::to_string(&r).is_ok());
        }
        // All equal: nothing to detect, and no NaN in the verdict.
        let r = analyze(&[5.0; 500], &[5.0; 500], &cfg);
        assert_eq!(r.decision, Decision::NoLeakDetected, "{r}");
        assert_eq!(r.median_diff_ns, 0.0);
        assert_eq!((r.sign_test.p, r.wilcoxon.p), (1.0, 1.0));
        // Perfect separation with zero variance.
        let r = analyze(&[5.0; 500], &[6.0; 500], &cfg);
        assert_eq!(r.decision, Decision::Leak, "{r}");
        assert!(quantile_sorted(&[], 0.5).is_nan());
        assert!(bootstrap_median_ci(&[], 10, 1, 0.95).0.is_nan());
        assert!(TimingConfig::with_samples(0).validate().is_err());
        assert!(TimingConfig::with_samples(MAX_SAMPLES).validate().is_ok());
        assert!(matches!(
            TimingConfig::with_samples(usize::MAX).validate(),
            Err(Error::OutOfRange { .. })
        ));
        let bad = TimingConfig {
            box_quantiles: (0.5, 0.1),
            ..TimingConfig::default()
        };
        let e = bad.validate().unwrap_err();
        assert!(
            matches!(
                e,
                Error::InvalidTiming {
                    setting: crate::timing::TimingSetting::BoxQuantiles
                }
            ),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "timing: box quantiles must satisfy 0 <= q1 <= q2 <= 1"
        );
    }

    #[test]
    fn known_shift_is_detected_with_its_size() {
        // 60 ns shift in Gaussian noise of sd 200 ns per request.
        let (a, b) = simulate(1, 3000, 60.0, |r| 200.0 * normal(r));
        let r = analyze(&a, &b, &TimingConfig::default());
        assert_eq!(r.decision, Decision::Leak, "{r}");
        assert!(r.median_diff_ns > 0.0);
        assert!(r.ci95_ns.0 < 60.0 && 60.0 < r.ci95_ns.1, "{r}");
        assert!(r.min_detectable_ns < 60.0, "{r}");
        assert!(r.reason.starts_with("last-byte-wrong"), "{}", r.reason);
        // The opposite direction is not what an early exit does: flagged
        // as inconclusive, never as a leak.
        let r = analyze(&b, &a, &TimingConfig::default());
        assert_eq!(r.decision, Decision::Inconclusive, "{r}");
        assert!(r.reason.starts_with("first-byte-wrong"), "{}", r.reason);
    }

    #[test]
    fn crossover_estimate_cancels_the_first_in_pair_penalty() {
        // Same simulation, but keeping the order: pairs are A-first when
        // the first request landed in `a`.
        let mut r = SplitMix64::new(11);
        let (mut a, mut b, mut order) = (vec![], vec![], vec![]);
        for _ in 0..4000 {
            let first = 20_000.0 + 300.0 + 50.0 * normal(&mut r);
            let second = 20_000.0 + 50.0 * normal(&mut r);
            let a_first = r.below(2) == 0;
            // 20 ns of real difference, a 300 ns first-in-pair penalty,
            // and 100 ns more when B goes first: an order × class
            // interaction, which any AB/BA design counts half into the
            // difference (20 + 100/2 = 70 ns).
            if a_first {
                a.push(first);
                b.push(second + 20.0);
            } else {
                b.push(first + 20.0 + 100.0);
                a.push(second);
            }
            order.push(a_first);
        }
        let cfg = TimingConfig::default();
        let r = analyze_ordered(&a, &b, Some(&order), &cfg);
        let p = r.first_in_pair_penalty_ns.unwrap();
        assert!((p - 350.0).abs() < 15.0, "{p}");
        assert!((r.median_diff_ns - 70.0).abs() < 15.0, "{r}");
        // min_effect_ns turns a significant but small difference into
        // "inconclusive".
        let strict = TimingConfig {
            min_effect_ns: 200.0,
            ..cfg
        };
        let r = analyze_ordered(&a, &b, Some(&order), &strict);
        assert_eq!(r.decision, Decision::Inconclusive, "{r}");
        assert!(r.reason.contains("below"), "{}", r.reason);
    }

    #[test]
    fn tiny_shift_is_not_claimed_and_min_detectable_says_why() {
        // 2 ns in 200 ns noise with 1000 pairs: far below what can be seen.
        let (a, b) = simulate(2, 1000, 2.0, |r| 200.0 * normal(r));
        let r = analyze(&a, &b, &TimingConfig::default());
        assert_ne!(r.decision, Decision::Leak, "{r}");
        assert!(r.min_detectable_ns > 2.0, "{r}");
    }

    /// The false-positive rate: 200 seeded null datasets per noise model;
    /// "leak" must come up at most α plus binomial slack.
    #[test]
    fn false_positive_rate_is_controlled() {
        let alpha = 0.05;
        let cfg = fast_cfg(alpha);
        type Noise = fn(&mut SplitMix64) -> f64;
        let models: [(&str, Noise); 3] = [
            ("gaussian", |r| 200.0 * normal(r)),
            ("pareto outliers", |r| {
                100.0 * normal(r)
                    + if r.below(20) == 0 {
                        500.0 * pareto(r, 1.1)
                    } else {
                        0.0
                    }
            }),
            ("cauchy", |r| 100.0 * cauchy(r).clamp(-1e6, 1e6)),
        ];
        for (name, noise) in models {
            let mut leaks = 0;
            for seed in 0..200 {
                let (a, b) = simulate(1000 + seed, 400, 0.0, noise);
                if analyze(&a, &b, &cfg).decision == Decision::Leak {
                    leaks += 1;
                }
            }
            eprintln!("{name}: {leaks}/200 false leaks at α={alpha}");
            // Expected <= 10 of 200; 3 sd of Binomial(200, 0.05) is ~9.
            assert!(leaks <= 19, "{name}: {leaks}/200 false leaks at α={alpha}");
        }
    }

    #[test]
    fn heavy_tails_are_handled_by_the_robust_tests() {
        // 5 % Pareto outliers (infinite variance): the raw t-test is
        // swamped, the rank tests still see a 40 ns shift.
        let (a, b) = simulate(7, 3000, 40.0, |r| {
            100.0 * normal(r)
                + if r.below(20) == 0 {
                    2000.0 * pareto(r, 1.1)
                } else {
                    0.0
                }
        });
        let r = analyze(&a, &b, &TimingConfig::default());
        assert_eq!(r.decision, Decision::Leak, "{r}");
        assert!(r.wilcoxon.p < r.bonferroni_alpha, "{r}");
        assert!(welch_t(&a, &b).abs() < r.dudect.max_t.abs(), "{r:?}");
        // Cauchy noise: the median difference is still estimated.
        let (a, b) = simulate(8, 3000, 50.0, |r| 30.0 * cauchy(r).clamp(-1e7, 1e7));
        let r = analyze(&a, &b, &TimingConfig::default());
        assert_eq!(r.decision, Decision::Leak, "{r}");
        assert!(r.ci95_ns.0 < 50.0 && 50.0 < r.ci95_ns.1, "{r}");
    }

    #[test]
    fn analysis_is_deterministic() {
        let (a, b) = simulate(3, 800, 10.0, |r| 100.0 * normal(r));
        let cfg = TimingConfig::default();
        assert_eq!(analyze(&a, &b, &cfg), analyze(&a, &b, &cfg));
    }
}
