//! Side effects: what the effects oracle must show for each event id, read
//! once at the end of the run (with a settle time for asynchronous
//! receivers), and what happens when the oracle cannot be read.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::delivery::Delivery;
use crate::target::Target;

use super::{Check, Part, Runner, State};

/// What the oracle must show for an event id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EffectRule {
    Once,
    Never,
}

#[derive(Debug)]
pub(super) struct Pending {
    /// The index of the case's result.
    pub(super) result: usize,
    /// The event id the oracle is asked about.
    pub(super) event_id: String,
    /// What it must show.
    pub(super) rule: EffectRule,
    /// Whether the case cannot pass without this check.
    pub(super) required: bool,
}

/// The most bytes of the effects oracle's answer read (it lists every id a
/// long-lived receiver processed, so it grows from run to run).
pub const ORACLE_BODY_LIMIT: usize = 16 * 1024 * 1024;

pub(super) fn effect_expectation(rule: EffectRule, id: &str) -> String {
    match rule {
        EffectRule::Once => format!("event `{id}` processed exactly once"),
        EffectRule::Never => format!("event `{id}` never processed"),
    }
}

pub(super) async fn read_oracle(oracle: &dyn Target) -> Result<HashMap<String, usize>, String> {
    let mut get = Delivery::post(oracle.url(), Vec::new());
    get.method = "GET".into();
    let options = crate::target::SendOptions {
        body_limit: ORACLE_BODY_LIMIT,
        ..Default::default()
    };
    let resp = oracle
        .send_with(&get, options)
        .await
        .map_err(|e| format!("effects oracle {}: {e}", oracle.url()))?;
    if resp.status != 200 {
        return Err(format!(
            "effects oracle {} answered {}, not 200",
            oracle.url(),
            resp.status
        ));
    }
    if resp.body_truncated {
        return Err(format!(
            "effects oracle {}: its answer is larger than {} MiB, the most the harness reads; clear the receiver's processed list between runs",
            oracle.url(),
            ORACLE_BODY_LIMIT / (1024 * 1024)
        ));
    }
    #[derive(serde::Deserialize)]
    struct Effects {
        processed: Vec<String>,
    }
    let e: Effects = serde_json::from_slice(&resp.body).map_err(|e| {
        format!(
            "effects oracle {}: its answer is not {{\"processed\": [\"<id>\", ...]}}: {e}",
            oracle.url()
        )
    })?;
    let mut counts = HashMap::new();
    for id in e.processed {
        *counts.entry(id).or_insert(0) += 1;
    }
    Ok(counts)
}

impl Runner<'_> {
    pub(super) async fn resolve_effects(&self, st: &mut State) {
        if st.pending.is_empty() {
            return;
        }
        let Some(oracle) = self.effects else {
            for p in &st.pending {
                if let Some(r) = st.results.get_mut(p.result) {
                    r.checks.push(Check {
                        part: Part::Effect,
                        passed: None,
                        expected: effect_expectation(p.rule, &p.event_id),
                        actual: "not checked: no effects oracle (--effects-url)".into(),
                        required: p.required,
                    });
                }
            }
            return;
        };
        let deadline = Instant::now() + self.config.settle;
        let mut processed = read_oracle(oracle).await;
        // Give asynchronous receivers time to catch up on the ids they must
        // process.
        loop {
            let missing = match &processed {
                Ok(list) => st
                    .pending
                    .iter()
                    .any(|p| p.rule == EffectRule::Once && !list.contains_key(&p.event_id)),
                Err(_) => true,
            };
            if !missing || Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            processed = read_oracle(oracle).await;
        }
        if let Err(why) = &processed {
            st.incomplete.push(format!(
                "the effects oracle answered at the start of the run but not at its end ({why}): no side effect could be checked"
            ));
        }
        for p in &st.pending {
            let Some(r) = st.results.get_mut(p.result) else {
                continue;
            };
            let expected = effect_expectation(p.rule, &p.event_id);
            let check = match &processed {
                Err(why) => Check {
                    part: Part::Effect,
                    passed: Some(false),
                    expected,
                    actual: format!("could not be checked: {why}"),
                    required: p.required,
                },
                Ok(list) => {
                    let n = list.get(&p.event_id).copied().unwrap_or(0);
                    let ok = match p.rule {
                        EffectRule::Once => n == 1,
                        EffectRule::Never => n == 0,
                    };
                    Check {
                        part: Part::Effect,
                        passed: Some(ok),
                        expected,
                        actual: format!("processed {n} time(s)"),
                        required: p.required,
                    }
                }
            };
            r.checks.push(check);
        }
    }
}
