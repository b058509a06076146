//! The timing case: two classes of forged deliveries measured against
//! each other (see [`crate::timing`]), and what a measurement that could not
//! be made means for the run.

use crate::cases::BuildContext;

use super::{Check, Part, Runner};

impl Runner<'_> {
    pub(super) async fn timing(
        &self,
        ctx: &BuildContext<'_>,
    ) -> (Check, Option<crate::timing::TimingReport>) {
        use crate::timing::{self, Decision};
        let skip = |why: String| Check {
            part: Part::Timing,
            passed: None,
            expected: "a timing measurement".into(),
            actual: format!("not checked: {why}"),
            required: true,
        };
        let Some(tr) = &self.config.timing else {
            return (skip("timing not enabled (--timing)".into()), None);
        };
        let pair = match timing::forged_pair(ctx) {
            Ok(p) => p,
            Err(e) => return (skip(format!("could not build the forged pair: {e}")), None),
        };
        let bar = tr.progress.then(|| {
            let pb = indicatif::ProgressBar::new(0);
            pb.set_style(
                indicatif::ProgressStyle::with_template(
                    "timing {bar:40} {pos}/{len} pairs ({eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            pb
        });
        let report = timing::measure(
            self.target,
            || pair.first_byte_wrong.clone(),
            || pair.last_byte_wrong.clone(),
            &tr.config,
            bar.as_ref(),
        )
        .await;
        if let Some(pb) = &bar {
            pb.finish_and_clear();
        }
        let report = match report {
            Ok(r) => r,
            Err(e) => return (skip(e.to_string()), None),
        };
        if let Some(t) = &report.transport {
            let lost = t.failed as f64 / (t.warmup + report.n + t.failed).max(1) as f64;
            if t.stopped.is_some() || lost > tr.config.max_failure_fraction {
                // Asked for and not measurable: the receiver's failure to
                // answer, never a silent skip.
                let check = Check {
                    part: Part::Latency,
                    passed: Some(false),
                    expected: "an answer to every forged delivery of the timing check".into(),
                    actual: report.reason.clone(),
                    required: true,
                };
                return (check, Some(report));
            }
        }
        let scope = if tr.in_process {
            "in-process: nanosecond resolution"
        } else {
            "over the network: a coarse detector (about a microsecond and up); advisory unless --timing-gate"
        };
        let check = Check {
            part: Part::Timing,
            passed: match report.decision {
                Decision::Leak => Some(false),
                Decision::NoLeakDetected => Some(true),
                Decision::Inconclusive => None,
            },
            expected: format!(
                "no difference between rejecting a {}-byte proof wrong in its first byte and one wrong only in its last ({scope})",
                pair.proof_len
            ),
            actual: report.to_string(),
            required: true,
        };
        (check, Some(report))
    }
}
