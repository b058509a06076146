//! A bounded summary of the two classes' distributions, for drawing them
//! (the HTML report): common bin edges over the central 98 % of both
//! classes pooled and a count per class and bin. Never the raw samples.

use serde::Serialize;

use super::stats::quantile_sorted;

/// The most bins a [`TimingHistogram`] has.
pub const MAX_HISTOGRAM_BINS: usize = 50;

/// The fewest bins a [`TimingHistogram`] of more than one distinct value
/// has.
const MIN_HISTOGRAM_BINS: usize = 5;

/// The distributions of class A (first byte wrong) and class B (last byte
/// wrong) over common bins. Samples outside the edges are counted in
/// `a_below`/`a_above` and `b_below`/`b_above`, so every valid pair is
/// counted once per class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimingHistogram {
    /// Bin edges (ns), ascending, one more than the bins: equal widths
    /// from the 1st to the 99th percentile of both classes pooled.
    pub edges_ns: Vec<f64>,
    /// Class A's count per bin (the last bin includes its upper edge).
    pub a: Vec<usize>,
    /// Class B's count per bin.
    pub b: Vec<usize>,
    /// Class A's samples below the first edge.
    pub a_below: usize,
    /// Class A's samples above the last edge.
    pub a_above: usize,
    /// Class B's samples below the first edge.
    pub b_below: usize,
    /// Class B's samples above the last edge.
    pub b_above: usize,
}

impl TimingHistogram {
    /// The histogram of finite samples `a` and `b` (non-finite values are
    /// ignored); `None` when there is none. About `√n` bins, between 5 and
    /// [`MAX_HISTOGRAM_BINS`]; one bin when every value is the same.
    pub fn of(a: &[f64], b: &[f64]) -> Option<Self> {
        let mut pooled: Vec<f64> = a
            .iter()
            .chain(b)
            .copied()
            .filter(|x| x.is_finite())
            .collect();
        if pooled.is_empty() {
            return None;
        }
        pooled.sort_by(f64::total_cmp);
        let lo = quantile_sorted(&pooled, 0.01);
        let hi = quantile_sorted(&pooled, 0.99);
        let (edges_ns, bins) = if hi > lo {
            let bins = ((pooled.len() as f64).sqrt().ceil() as usize)
                .clamp(MIN_HISTOGRAM_BINS, MAX_HISTOGRAM_BINS);
            let width = (hi - lo) / bins as f64;
            let mut edges: Vec<f64> = (0..bins).map(|i| lo + width * i as f64).collect();
            edges.push(hi);
            (edges, bins)
        } else {
            (vec![lo - 0.5, lo + 0.5], 1)
        };
        let first = edges_ns.first().copied().unwrap_or(lo);
        let last = edges_ns.last().copied().unwrap_or(hi);
        let width = (last - first) / bins as f64;
        let count = |xs: &[f64]| {
            let mut counts = vec![0usize; bins];
            let (mut below, mut above) = (0, 0);
            for &x in xs.iter().filter(|x| x.is_finite()) {
                if x < first {
                    below += 1;
                } else if x > last {
                    above += 1;
                } else {
                    let i = (((x - first) / width) as usize).min(bins - 1);
                    if let Some(c) = counts.get_mut(i) {
                        *c += 1;
                    }
                }
            }
            (counts, below, above)
        };
        let (a_counts, a_below, a_above) = count(a);
        let (b_counts, b_below, b_above) = count(b);
        Some(TimingHistogram {
            edges_ns,
            a: a_counts,
            b: b_counts,
            a_below,
            a_above,
            b_below,
            b_above,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_sample_once_and_stays_bounded() {
        let a: Vec<f64> = (0..10_000).map(|i| 1000.0 + f64::from(i % 97)).collect();
        let b: Vec<f64> = (0..10_000).map(|i| 1050.0 + f64::from(i % 89)).collect();
        let h = TimingHistogram::of(&a, &b).unwrap();
        assert_eq!(h.a.len(), MAX_HISTOGRAM_BINS);
        assert_eq!(h.edges_ns.len(), h.a.len() + 1);
        assert_eq!(h.a.iter().sum::<usize>() + h.a_below + h.a_above, a.len());
        assert_eq!(h.b.iter().sum::<usize>() + h.b_below + h.b_above, b.len());
        assert!(h.edges_ns.windows(2).all(|w| w[0] < w[1]));
        // B sits higher: its mass is in the upper bins.
        let mean_bin = |c: &[usize]| {
            c.iter().enumerate().map(|(i, n)| i * n).sum::<usize>() as f64
                / c.iter().sum::<usize>() as f64
        };
        assert!(mean_bin(&h.b) > mean_bin(&h.a));
    }

    #[test]
    fn degenerate_inputs() {
        assert!(TimingHistogram::of(&[], &[]).is_none());
        assert!(TimingHistogram::of(&[f64::NAN], &[f64::INFINITY]).is_none());
        let h = TimingHistogram::of(&[5.0; 10], &[5.0; 10]).unwrap();
        assert_eq!((h.a.clone(), h.b.clone()), (vec![10], vec![10]));
        let h = TimingHistogram::of(&[1.0, 2.0], &[]).unwrap();
        assert_eq!(h.a.iter().sum::<usize>() + h.a_below + h.a_above, 2);
        assert_eq!(h.b.iter().sum::<usize>(), 0);
        assert!(serde_json::to_string(&h).is_ok());
    }
}
