//! Key rotation: publish new keys, then retry like a real sender within the
//! rotation window before judging.

use std::time::{Duration, Instant};

use crate::cases::{BuildContext, Built, Expect, RotationStep};
use crate::keys::SigningKey;
use crate::payload::BodyKind;
use crate::scheme::CredentialKind;
use crate::sign;
use crate::target::{Response, TransportError};

use super::effects::EffectRule;
use super::judge::judge_status;
use super::{Check, Part, Runner, State};

impl Runner<'_> {
    pub(super) async fn rotation(
        &self,
        st: &mut State,
        ctx: &BuildContext<'_>,
        step: RotationStep,
    ) -> (Vec<Check>, Vec<(String, EffectRule, bool)>) {
        let skip = |why: &str| {
            (
                vec![Check {
                    part: Part::Status,
                    passed: None,
                    expected: "a key rotation".into(),
                    actual: format!("not checked: {why}"),
                    required: true,
                }],
                Vec::new(),
            )
        };
        let Some(keys) = self.keys else {
            return skip("needs the key server (--key-server-addr), with the receiver configured to fetch keys from it");
        };
        let Some(new_key) = &self.config.rotation_key else {
            return skip("the scheme has no rotation key");
        };
        let old_key = &self.config.key;
        let published: Vec<&SigningKey> = match (step, self.scheme().credential) {
            (RotationStep::NewKeyAccepted, CredentialKind::Ed25519PublicKeys) => {
                vec![old_key, new_key]
            }
            _ => vec![new_key],
        };
        if let Err(e) = keys.publish(&published) {
            return skip(&format!("the key server refused the keys: {e}"));
        }
        let deadline = Instant::now() + self.config.rotation_window;
        let mut backoff = Duration::from_millis(100);
        let mut attempts = 0u32;
        let mut last: Option<Result<Response, TransportError>> = None;
        let mut last_id = None;
        let (sign_with, want_accept) = match step {
            RotationStep::NewKeyAccepted => (new_key, true),
            RotationStep::RemovedKeyRejected => (old_key, false),
        };
        // New key: one delivery, retried like a real sender. Removed key: a
        // fresh delivery per attempt until the receiver refetches.
        let mut built: Option<Built> = None;
        loop {
            if built.is_none() || !want_accept {
                let ev = ctx.events.event(self.scheme(), BodyKind::Plain);
                match sign::sign(self.scheme(), sign_with, &ctx.payload(&ev)) {
                    Ok(d) => {
                        built = Some(Built {
                            event_id: crate::verify::event_id(self.scheme(), &d),
                            delivery: d,
                        })
                    }
                    Err(e) => return skip(&format!("could not sign: {e}")),
                }
            }
            let Some(b) = &built else { break };
            let r = self.send(st, &b.delivery).await;
            attempts += 1;
            let done = match &r {
                Ok(resp) if want_accept => (200..300).contains(&resp.status),
                Ok(resp) => (400..500).contains(&resp.status),
                Err(_) => false,
            };
            last_id = b.event_id.clone();
            last = Some(r);
            // The failure budget holds inside the retry loop too.
            let silent = st.no_answer_in_a_row >= super::MAX_CONSECUTIVE_NO_ANSWER;
            if done || silent || Instant::now() + backoff > deadline {
                break;
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(2));
        }
        let Some(last) = last else {
            return skip("nothing was sent");
        };
        let expect = if want_accept {
            Expect::Accept
        } else {
            Expect::Reject
        };
        let (mut check, _) = judge_status(expect, &last);
        check.actual = format!(
            "{} after {attempts} attempt(s) within {:.1} s",
            check.actual,
            self.config.rotation_window.as_secs_f64()
        );
        let mut effects = Vec::new();
        if let Some(id) = last_id {
            effects.push((
                id,
                if want_accept {
                    EffectRule::Once
                } else {
                    EffectRule::Never
                },
                false,
            ));
        }
        (vec![check], effects)
    }
}
