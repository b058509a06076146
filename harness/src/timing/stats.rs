//! Statistics: the pure functions behind the analysis (quantiles, Welch's
//! t, dudect, Wilcoxon, sign test, box test, bootstrap, the normal
//! distribution) and the seeded generator of the bootstrap.

use super::{BoxOutcome, BoxTest, Dudect, SignTest, Wilcoxon};

/// Sorts a copy of `x` (total order; NaN last).
fn sorted(x: &[f64]) -> Vec<f64> {
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// The `q`-quantile of sorted data (linear interpolation, R type 7); NaN
/// when empty.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 || q.is_nan() {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    match (sorted.get(lo), sorted.get(hi)) {
        (Some(&l), Some(&u)) => l + (h - lo as f64) * (u - l),
        _ => f64::NAN,
    }
}

/// The median (NaN when empty).
pub fn median(x: &[f64]) -> f64 {
    quantile_sorted(&sorted(x), 0.5)
}

/// The timer's apparent resolution: the smallest positive gap between
/// distinct sample values (0 when unknown).
pub(super) fn resolution(a: &[f64], b: &[f64]) -> f64 {
    let all = sorted(&[a, b].concat());
    let gap = all
        .windows(2)
        .filter_map(|w| match w {
            [x, y] if y > x => Some(y - x),
            _ => None,
        })
        .fold(f64::INFINITY, f64::min);
    if gap.is_finite() {
        gap
    } else {
        0.0
    }
}

/// Streaming mean and variance (Welford).
#[derive(Debug, Default, Clone, Copy)]
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn push(&mut self, x: f64) {
        self.n += 1.0;
        let delta = x - self.mean;
        self.mean += delta / self.n;
        self.m2 += delta * (x - self.mean);
    }
    fn var(&self) -> f64 {
        if self.n < 2.0 {
            0.0
        } else {
            self.m2 / (self.n - 1.0)
        }
    }
}

/// Welch's t statistic of `b` vs `a` (positive: b has the larger mean).
/// 0 when either side has fewer than 2 samples; ±1e12 for a difference
/// with zero variance on both sides.
fn welch(a: &Moments, b: &Moments) -> f64 {
    if a.n < 2.0 || b.n < 2.0 {
        return 0.0;
    }
    let diff = b.mean - a.mean;
    let se2 = a.var() / a.n + b.var() / b.n;
    if se2 > 0.0 {
        diff / se2.sqrt()
    } else if diff == 0.0 {
        0.0
    } else {
        1e12 * diff.signum()
    }
}

/// Welch's t-test of two independent samples (positive: `b` larger).
pub fn welch_t(a: &[f64], b: &[f64]) -> f64 {
    let mut ma = Moments::default();
    let mut mb = Moments::default();
    a.iter().for_each(|&x| ma.push(x));
    b.iter().for_each(|&x| mb.push(x));
    welch(&ma, &mb)
}

/// dudect's crop percentiles: `1 − 0.5^(10·k/100)` for `k = 1..=100`.
pub fn dudect_percentiles() -> impl Iterator<Item = f64> {
    (1..=100).map(|k| 1.0 - 0.5f64.powf(10.0 * f64::from(k) / 100.0))
}

pub(super) fn dudect(a: &[f64], b: &[f64]) -> Dudect {
    let pooled = sorted(&[a, b].concat());
    let mut best = (0.0f64, None, a.len() + b.len());
    let consider = |t: f64, crop: Option<f64>, m: usize, best: &mut (f64, Option<f64>, usize)| {
        if t.abs() > best.0.abs() {
            *best = (t, crop, m);
        }
    };
    consider(welch_t(a, b), None, a.len() + b.len(), &mut best);
    for p in dudect_percentiles() {
        let thr = quantile_sorted(&pooled, p);
        let mut ma = Moments::default();
        let mut mb = Moments::default();
        a.iter().filter(|&&x| x < thr).for_each(|&x| ma.push(x));
        b.iter().filter(|&&x| x < thr).for_each(|&x| mb.push(x));
        consider(welch(&ma, &mb), Some(p), (ma.n + mb.n) as usize, &mut best);
    }
    let (max_t, crop_percentile, measurements) = best;
    let tau = if measurements > 0 {
        max_t / (measurements as f64).sqrt()
    } else {
        0.0
    };
    Dudect {
        max_t,
        crop_percentile,
        measurements,
        tau,
        measurements_to_t5: (tau != 0.0).then(|| (5.0 / tau).powi(2)),
        threshold: 10.0,
        enough_samples: false,
        leak: false,
    }
}

/// The Wilcoxon signed-rank test of `d` against a symmetric distribution
/// around 0 (zeros dropped, average ranks for ties, normal approximation
/// with tie and continuity correction).
pub fn wilcoxon_signed_rank(d: &[f64]) -> Wilcoxon {
    let mut nz: Vec<f64> = d
        .iter()
        .copied()
        .filter(|x| *x != 0.0 && !x.is_nan())
        .collect();
    nz.sort_by(|x, y| x.abs().total_cmp(&y.abs()));
    let n = nz.len();
    let mut w_plus = 0.0;
    let mut ties = 0.0;
    let mut i = 0;
    while i < n {
        let Some(v) = nz.get(i).map(|x| x.abs()) else {
            break;
        };
        let mut j = i;
        while nz.get(j).is_some_and(|x| x.abs() == v) {
            j += 1;
        }
        // Positions i..j (0-based) share the average of ranks i+1..=j.
        let rank = (i + 1 + j) as f64 / 2.0;
        let t = (j - i) as f64;
        ties += t * t * t - t;
        w_plus += rank
            * nz.get(i..j)
                .unwrap_or_default()
                .iter()
                .filter(|x| **x > 0.0)
                .count() as f64;
        i = j;
    }
    let nf = n as f64;
    let mean = nf * (nf + 1.0) / 4.0;
    let var = nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - ties / 48.0;
    let diff = w_plus - mean;
    let z = if var > 0.0 && diff.abs() > 0.5 {
        (diff - 0.5 * diff.signum()) / var.sqrt()
    } else {
        0.0
    };
    Wilcoxon {
        w_plus,
        nonzero: n,
        z,
        p: (2.0 * norm_sf(z.abs())).min(1.0),
    }
}

/// The sign test of `d` (zeros dropped; exact binomial, two-sided).
pub fn sign_test(d: &[f64]) -> SignTest {
    let positive = d.iter().filter(|x| **x > 0.0).count();
    let negative = d.iter().filter(|x| **x < 0.0).count();
    let zeros = d.len() - positive - negative;
    let m = positive + negative;
    let k = positive.min(negative);
    SignTest {
        positive,
        negative,
        zeros,
        p: (2.0 * binom_half_cdf(k, m)).min(1.0),
    }
}

/// `P(X ≤ k)` for `X ~ Binomial(m, 1/2)`, summed in log space.
fn binom_half_cdf(k: usize, m: usize) -> f64 {
    if k >= m {
        return 1.0;
    }
    let ln2 = std::f64::consts::LN_2;
    let mut ln_c = 0.0f64; // ln C(m, 0)
    let mut acc = f64::NEG_INFINITY; // log of the running sum
    for i in 0..=k {
        if i > 0 {
            ln_c += ((m - i + 1) as f64).ln() - (i as f64).ln();
        }
        let term = ln_c - m as f64 * ln2;
        acc = if acc == f64::NEG_INFINITY {
            term
        } else {
            let (hi, lo) = if acc > term { (acc, term) } else { (term, acc) };
            hi + (lo - hi).exp().ln_1p()
        };
    }
    acc.exp().min(1.0)
}

/// The box test: is one class's `[q1, q2]` quantile box entirely below
/// the other's?
pub fn box_test(a: &[f64], b: &[f64], quantiles: (f64, f64)) -> BoxTest {
    let (sa, sb) = (sorted(a), sorted(b));
    let (q1, q2) = quantiles;
    let ba = (quantile_sorted(&sa, q1), quantile_sorted(&sa, q2));
    let bb = (quantile_sorted(&sb, q1), quantile_sorted(&sb, q2));
    let outcome = if ba.1 < bb.0 {
        BoxOutcome::AFaster
    } else if bb.1 < ba.0 {
        BoxOutcome::BFaster
    } else {
        BoxOutcome::Overlap
    };
    BoxTest {
        quantiles,
        a: ba,
        b: bb,
        outcome,
    }
}

/// A small, fast, seeded generator (SplitMix64) for the bootstrap, which
/// draws millions of indices (fast even in debug builds).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `[0, n)` (multiply-shift; bias below 2^-32 for n < 2^32).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
    /// Uniform in `(0, 1)`.
    pub fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

/// Percentile bootstrap confidence interval (`level`, e.g. 0.95) of the
/// median of `d`, with `resamples` seeded resamples. NaN when empty.
pub fn bootstrap_median_ci(d: &[f64], resamples: usize, seed: u64, level: f64) -> (f64, f64) {
    percentile_interval(bootstrap_medians(d, resamples, seed), level)
}

/// The central `level` interval of `values` (NaN when empty).
pub(super) fn percentile_interval(mut values: Vec<f64>, level: f64) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - level.clamp(0.0, 1.0)) / 2.0;
    (
        quantile_sorted(&values, tail),
        quantile_sorted(&values, 1.0 - tail),
    )
}

/// The medians of `resamples` seeded bootstrap resamples of `d` (empty
/// when `d` is).
pub(super) fn bootstrap_medians(d: &[f64], resamples: usize, seed: u64) -> Vec<f64> {
    let n = d.len();
    if n == 0 {
        return Vec::new();
    }
    let s = sorted(d);
    // The median of a resample is an order statistic of the sorted data:
    // count how often each index is drawn and walk the counts.
    let (k_lo, k_hi) = ((n - 1) / 2, n / 2);
    let mut rng = SplitMix64::new(seed);
    let mut counts = vec![0u32; n];
    let mut medians = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        counts.iter_mut().for_each(|c| *c = 0);
        for _ in 0..n {
            if let Some(c) = counts.get_mut(rng.below(n)) {
                *c += 1;
            }
        }
        let (mut lo, mut hi) = (f64::NAN, f64::NAN);
        let mut seen = 0usize;
        for (i, &c) in counts.iter().enumerate() {
            let next = seen + c as usize;
            let v = s.get(i).copied().unwrap_or(f64::NAN);
            if lo.is_nan() && k_lo < next {
                lo = v;
            }
            if k_hi < next {
                hi = v;
                break;
            }
            seen = next;
        }
        medians.push((lo + hi) / 2.0);
    }
    medians
}

/// `erfc(x)` (Chebyshev fit, fractional error below 1.2e-7 everywhere).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// The standard normal upper tail `P(Z > z)`.
pub fn norm_sf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// The standard normal quantile (Acklam's approximation, relative error
/// below 1.2e-9). ±infinity at 0 and 1, NaN outside.
pub fn norm_ppf(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let [a0, a1, a2, a3, a4, a5] = A;
    let [b0, b1, b2, b3, b4] = B;
    let [c0, c1, c2, c3, c4, c5] = C;
    let [d0, d1, d2, d3] = D;
    let tail = |q: f64| {
        (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5)
            / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1.0)
    };
    const P_LOW: f64 = 0.02425;
    if p < P_LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q
            / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1.0)
    } else {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantiles_and_tails() {
        assert!((norm_ppf(0.975) - 1.959_964).abs() < 1e-5);
        assert!((norm_ppf(0.8) - 0.841_621).abs() < 1e-5);
        assert!((norm_ppf(1e-10) + 6.361_341).abs() < 1e-4);
        assert!((norm_sf(1.959_964) - 0.025).abs() < 1e-7);
        assert!((norm_sf(5.0) / 2.866_515_7e-7 - 1.0).abs() < 1e-5);
        assert!((norm_sf(-1.0) - 0.841_344_7).abs() < 1e-6);
        assert!(norm_ppf(f64::NAN).is_nan() && norm_ppf(2.0).is_nan());
        for p in [1e-12, 1e-4, 0.3, 0.5, 0.9, 1.0 - 1e-9] {
            let z = norm_ppf(p);
            assert!((norm_sf(-z) / p - 1.0).abs() < 1e-5, "p={p}");
        }
    }

    #[test]
    fn sign_and_wilcoxon_match_hand_computed_values() {
        // 5 positive, 1 negative: P(X <= 1) = 7/64, two-sided 14/64.
        let d = [1.0, 2.0, 3.0, 4.0, 5.0, -6.0, 0.0];
        let s = sign_test(&d);
        assert_eq!((s.positive, s.negative, s.zeros), (5, 1, 1));
        assert!((s.p - 14.0 / 64.0).abs() < 1e-12);
        // Ranks 1..5 positive, 6 negative: W+ = 15, mean 10.5, var 22.75,
        // z = (15 - 10.5 - 0.5) / sqrt(22.75).
        let w = wilcoxon_signed_rank(&d);
        assert_eq!(w.w_plus, 15.0);
        assert!((w.z - 4.0 / 22.75f64.sqrt()).abs() < 1e-12);
        // Ties share ranks: |d| = 1,1,2 -> ranks 1.5,1.5,3.
        let w = wilcoxon_signed_rank(&[1.0, -1.0, 2.0]);
        assert_eq!(w.w_plus, 4.5);
        // Large m: the log-space binomial stays finite and tiny.
        let p = binom_half_cdf(100, 10_000);
        assert!(p > 0.0 && p < 1e-300 || p == 0.0);
        assert!((binom_half_cdf(5_000, 10_000) - 0.503_989).abs() < 1e-5);
    }

    #[test]
    fn dudect_crops_and_welch() {
        let ps: Vec<f64> = dudect_percentiles().collect();
        assert_eq!(ps.len(), 100);
        assert!((ps[0] - (1.0 - 0.5f64.powf(0.1))).abs() < 1e-15);
        assert!((ps[99] - (1.0 - 0.5f64.powi(10))).abs() < 1e-15);
        assert!(ps.windows(2).all(|w| w[0] < w[1]));
        let t = welch_t(&[1.0, 2.0, 3.0, 4.0], &[2.0, 3.0, 4.0, 5.0]);
        // Means 2.5 / 3.5, variances 5/3 each: t = 1 / sqrt(2 * 5/12).
        assert!((t - 1.0 / (10.0f64 / 12.0).sqrt()).abs() < 1e-12);
        assert_eq!(welch_t(&[1.0], &[2.0, 3.0]), 0.0);
        assert_eq!(welch_t(&[1.0, 1.0], &[2.0, 2.0]), 1e12);
    }
}
