//! The `handshake` family's cases (docs/spec.md §3.4): a named handshake
//! of the description sent with a valid or an invalid proof, and its answer
//! judged against the description (status, reply, content type), the
//! handshake's event id never processed.

use crate::cases::{BuildContext, Built, Expect, HandshakeProbe};
use crate::keys::SigningKey;
use crate::scheme::{set_string_at as set_pointer, Handshake, HandshakeKind, HandshakeMark};
use crate::sign;
use crate::target::{Response, TransportError};
use crate::Error;

use super::echo::fresh_nonce;
use super::effects::EffectRule;
use super::judge::{describe, judge_status, snippet};
use super::{Check, Part, Runner, State};

mod reply;

/// What a handshake case hands back: checks, effects to verify, a note.
pub(super) type HandshakeOutcome = (Vec<Check>, Vec<(String, EffectRule, bool)>, String);

/// The request of handshake `h`, signed with `key`, its echoed member (if
/// any) set to `value`.
fn delivery(
    ctx: &BuildContext<'_>,
    h: &Handshake,
    key: &SigningKey,
    value: &str,
) -> Result<Built, Error> {
    let s = ctx.scheme;
    let id = ctx.events.next_id();
    let mut text = h.body.replace("@ID@", &id);
    let body_mark = match h.mark {
        HandshakeMark::Body { pointer, value } => Some((pointer, value)),
        _ => None,
    };
    let echo = match h.kind {
        HandshakeKind::Echo { reply_pointer } => Some(reply_pointer),
        _ => None,
    };
    if body_mark.is_some() || echo.is_some() {
        // Re-serialized (members sorted) only when a member is added or
        // set; otherwise the description's text is sent as written.
        let mut json: serde_json::Value =
            serde_json::from_str(&text).map_err(|source| Error::HandshakeBody {
                handshake: h.name.to_owned(),
                source,
            })?;
        let mut edited = false;
        if let Some((pointer, v)) = body_mark {
            if json.pointer(pointer).is_none() {
                set_pointer(&mut json, pointer, v);
                edited = true;
            }
        }
        if let Some(pointer) = echo {
            set_pointer(&mut json, pointer, value);
            edited = true;
        }
        if edited {
            text = json.to_string();
        }
    }
    let mut p = sign::Payload::new(ctx.url, text, ctx.now);
    p.event_id = Some(id);
    p.event_type = Some(
        match h.mark {
            HandshakeMark::EventType { value, .. } => value,
            _ => s.event_types.first().copied().unwrap_or("event"),
        }
        .to_owned(),
    );
    let d = sign::sign(s, key, &p)?;
    Ok(Built {
        event_id: crate::verify::event_id(s, &d),
        delivery: d,
    })
}

/// Markup a receiver must never reflect as HTML, around a fresh nonce.
fn markup(nonce: &str) -> String {
    format!("<script>alert(\"{nonce}\")</script><b>{nonce}</b>")
}

impl Runner<'_> {
    /// Runs handshake `name` of the scheme as `probe` asks.
    pub(super) async fn handshake(
        &self,
        st: &mut State,
        ctx: &BuildContext<'_>,
        name: &str,
        probe: HandshakeProbe,
        track: &mut dyn FnMut(&Result<Response, TransportError>),
    ) -> HandshakeOutcome {
        let Some(h) = ctx.scheme.handshakes.iter().find(|h| h.name == name) else {
            let e = Error::NoSuchHandshake {
                scheme: ctx.scheme.id.to_owned(),
                handshake: name.to_owned(),
            };
            return (vec![not_built(&e)], Vec::new(), String::new());
        };
        match (probe, h.kind) {
            (HandshakeProbe::Valid, HandshakeKind::Probe) | (HandshakeProbe::Forged, _) => {
                self.forged(st, ctx, h, track).await
            }
            (HandshakeProbe::Valid, _) => self.answered(st, ctx, h, track).await,
            (HandshakeProbe::Markup, _) => self.markup(st, ctx, h, track).await,
        }
    }

    /// The handshake with a valid proof: status, reply, not processed. An
    /// echo is sent twice with fresh values, so a fixed answer cannot pass.
    async fn answered(
        &self,
        st: &mut State,
        ctx: &BuildContext<'_>,
        h: &Handshake,
        track: &mut dyn FnMut(&Result<Response, TransportError>),
    ) -> HandshakeOutcome {
        let attempts = if matches!(h.kind, HandshakeKind::Echo { .. }) {
            2
        } else {
            1
        };
        let mut checks = Vec::new();
        let mut effects = Vec::new();
        let mut note = String::new();
        for _ in 0..attempts {
            let value = fresh_nonce();
            let built = match delivery(ctx, h, ctx.key, &value) {
                Ok(b) => b,
                Err(e) => return (vec![not_built(&e)], effects, note),
            };
            let r = self.send(st, &built.delivery).await;
            track(&r);
            if let Some(id) = built.event_id {
                effects.push((id, EffectRule::Never, false));
            }
            let status = r.as_ref().ok().map(|x| x.status);
            let ok = status.is_some_and(|s| h.status.admits(s));
            checks.push(Check {
                part: Part::Status,
                passed: Some(ok),
                expected: h.status.describe(),
                actual: describe(&r),
                required: true,
            });
            let Ok(resp) = &r else { break };
            if !ok {
                break;
            }
            let (check, form) = reply::judge(h, resp, &value);
            let passed = check.passed == Some(true);
            checks.push(check);
            if let Some(form) = form {
                note = format!("answered {form}");
            }
            if !passed {
                break;
            }
        }
        (checks, effects, note)
    }

    /// The handshake with an invalid proof: rejected (or the probe's exact
    /// status), an echoed value not reflected, not processed.
    async fn forged(
        &self,
        st: &mut State,
        ctx: &BuildContext<'_>,
        h: &Handshake,
        track: &mut dyn FnMut(&Result<Response, TransportError>),
    ) -> HandshakeOutcome {
        let value = fresh_nonce();
        let built = match delivery(ctx, h, ctx.wrong_key, &value) {
            Ok(b) => b,
            Err(e) => return (vec![not_built(&e)], Vec::new(), String::new()),
        };
        let r = self.send(st, &built.delivery).await;
        track(&r);
        let expect = match (h.kind, h.status) {
            (HandshakeKind::Probe, crate::scheme::HandshakeStatus::Exactly(c)) => Expect::Status(c),
            _ => Expect::Reject,
        };
        let mut checks = vec![judge_status(expect, &r).0];
        if matches!(h.kind, HandshakeKind::Echo { .. }) {
            let body = r.as_ref().map(|x| x.body.clone()).unwrap_or_default();
            let reflected = String::from_utf8_lossy(&body).contains(&value);
            checks.push(Check {
                part: Part::Body,
                passed: Some(!reflected),
                expected: "the value is not echoed without a valid proof".into(),
                actual: if reflected {
                    format!("the value was echoed: `{}`", snippet(&body))
                } else {
                    "not echoed".into()
                },
                required: true,
            });
        }
        let effects = built
            .event_id
            .map(|id| vec![(id, EffectRule::Never, false)])
            .unwrap_or_default();
        (checks, effects, String::new())
    }

    /// A forged echo handshake whose value is markup: the answer never
    /// carries it as HTML.
    async fn markup(
        &self,
        st: &mut State,
        ctx: &BuildContext<'_>,
        h: &Handshake,
        track: &mut dyn FnMut(&Result<Response, TransportError>),
    ) -> HandshakeOutcome {
        let value = markup(&fresh_nonce());
        let built = match delivery(ctx, h, ctx.wrong_key, &value) {
            Ok(b) => b,
            Err(e) => return (vec![not_built(&e)], Vec::new(), String::new()),
        };
        let r = self.send(st, &built.delivery).await;
        track(&r);
        let check = match &r {
            Err(e) => Check {
                part: Part::Body,
                passed: Some(false),
                expected: "an answer that does not carry the markup as HTML".into(),
                actual: format!("no answer: {e}"),
                required: true,
            },
            Ok(resp) => reply::not_html(resp, &value),
        };
        (vec![check], Vec::new(), String::new())
    }
}

fn not_built(e: &Error) -> Check {
    Check {
        part: Part::Status,
        passed: None,
        expected: "a delivery to send".into(),
        actual: format!("not checked: the harness could not build it: {e}"),
        required: true,
    }
}
