//! The deterministic generator behind `vectors/*.json`: rules over the
//! scheme description, no per-vendor table.
//!
//! [`rules`] turns a description into candidate [`Case`]s, family by family
//! (proof edits, body edits, timestamp edges, key rotations…), each with a
//! stable rule key; every header name, key, separator, prefix and member
//! name comes from the description, the bodies from its `[vectors]` data
//! ([`bodies`]). The scheme's tcId ledger ([`crate::vectors::ledger`])
//! gives each key its published tcId; a key the ledger does not know takes
//! a fresh id above every used and retired one (`vectors/README.md`).
//! Nothing here depends on the clock or on an unseeded RNG: the same
//! description always gives the same bytes.

mod assemble;
#[cfg(test)]
mod audit;
mod bodies;
mod edits;
mod notes;
mod rules;

use super::json;
use crate::delivery::Delivery;
use crate::error::GeneratorProblem;
use crate::keys::{RoleKeys, SigningKey};
use crate::scheme::{Carrier, CredentialKind, Scheme, SchemeId};
use crate::sign::{self, Payload};
use crate::Error;

pub(super) use assemble::generate;
use bodies::Bodies;

/// The receiver clock of every vector (2023-11-14T22:13:20Z), unix seconds.
pub const FIXED_NOW: i64 = 1_700_000_000;

/// A second secret, for "signed with the wrong secret" cases. Test-only.
pub(super) const WRONG_SECRET: &str = "hookspec-wrong-secret-not-for-production";

/// The size of the large-body cases, in bytes (the whole request body).
const LARGE_BODY: usize = 64 * 1024;

/// The key material a group of tests trusts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GroupKind {
    /// The signing key (or secret), and the scheme's window if it has one.
    Main,
    /// The secret with the `[vectors]` narrow window.
    Narrow,
    /// A published key set: the signing key and the rotation key.
    Both,
    /// The rotation key alone (the signing key was removed).
    Rotated,
}

/// The generator's state for one scheme.
pub(super) struct Gen {
    pub(super) scheme: &'static Scheme,
    pub(super) bodies: Bodies,
    pub(super) url: String,
    /// The shared secret as the scheme hands it out (groups, API keys).
    pub(super) secret_text: &'static str,
    pub(super) primary: SigningKey,
    /// A key the receiver does not trust.
    pub(super) wrong: SigningKey,
    pub(super) rotation: Option<SigningKey>,
    /// The length of a valid raw proof, in bytes.
    pub(super) raw_len: usize,
    /// The length of a valid encoded proof, in characters.
    pub(super) text_len: usize,
}

impl Gen {
    fn new(id: SchemeId) -> Result<Self, Error> {
        let scheme = id.scheme();
        let roles = RoleKeys::of(scheme)?;
        let wrong = match scheme.credential {
            CredentialKind::SharedSecret => SigningKey::Secret(WRONG_SECRET.as_bytes().to_vec()),
            _ => roles.unknown,
        };
        let mut g = Gen {
            scheme,
            bodies: Bodies {
                data: scheme.vectors,
            },
            url: format!("https://receiver.example/webhooks/{id}"),
            secret_text: scheme.test_secret,
            primary: roles.signing,
            wrong,
            rotation: roles.rotation,
            raw_len: 0,
            text_len: 0,
        };
        let raw = g.raw_proof(0)?;
        g.raw_len = raw.len();
        g.text_len = g.valid_text(0)?.chars().count();
        Ok(g)
    }

    /// What a comment calls the proof: a static token (a proof over
    /// nothing), the key itself, or a signature.
    pub(super) fn noun(&self) -> &'static str {
        match (self.scheme.encoding, self.scheme.message.is_empty()) {
            (crate::scheme::Encoding::Text, _) => "key",
            (_, true) => "token",
            (_, false) => "signature",
        }
    }

    pub(super) fn ev(&self, tc: u32) -> String {
        self.bodies.ev(tc)
    }

    pub(super) fn payload(&self, tc: u32, ty: usize, event: impl Into<Vec<u8>>) -> Payload {
        let mut p = Payload::new(self.url.clone(), event, FIXED_NOW);
        p.event_id = Some(self.bodies.event_id(tc));
        p.event_type = Some(self.bodies.type_name(ty).to_owned());
        p
    }

    /// The raw proof of `p` under `key`.
    pub(super) fn raw_for(&self, key: &SigningKey, p: &Payload) -> Result<Vec<u8>, Error> {
        // The message with every `{header:Name}` part read from the headers
        // the payload is sent with (Standard Webhooks signs its `webhook-id`).
        let message = sign::payload_message(self.scheme, p, &p.timestamp.to_string());
        sign::proof(self.scheme, key, &message)
    }

    /// The encoded proof of `p` under `key`.
    pub(super) fn text_for(&self, key: &SigningKey, p: &Payload) -> Result<String, Error> {
        Ok(sign::encode_proof(self.scheme, &self.raw_for(key, p)?))
    }

    /// The encoded form of `raw` in the scheme's encoding.
    pub(super) fn encode(&self, raw: &[u8]) -> String {
        sign::encode_proof(self.scheme, raw)
    }

    pub(super) fn place(&self, p: &Payload, text: &str) -> Result<Delivery, Error> {
        sign::place_proof(self.scheme, p, text)
    }

    /// A valid delivery of `event` (type 0) signed with the primary key.
    pub(super) fn signed(&self, tc: u32, event: impl Into<Vec<u8>>) -> Result<Delivery, Error> {
        self.signed_by(&self.primary, tc, 0, event)
    }

    pub(super) fn signed_by(
        &self,
        key: &SigningKey,
        tc: u32,
        ty: usize,
        event: impl Into<Vec<u8>>,
    ) -> Result<Delivery, Error> {
        sign::sign(self.scheme, key, &self.payload(tc, ty, event))
    }

    /// The proof of `signed`, delivered with the event `sent`.
    pub(super) fn forged(&self, tc: u32, signed: &[u8], sent: &[u8]) -> Result<Delivery, Error> {
        let text = self.text_for(&self.primary, &self.payload(tc, 0, signed))?;
        self.place(&self.payload(tc, 0, sent), &text)
    }

    /// The signed message of the standard event of `tc`.
    pub(super) fn message(&self, tc: u32) -> Vec<u8> {
        let p = self.payload(tc, 0, self.ev(tc));
        sign::payload_message(self.scheme, &p, &p.timestamp.to_string())
    }

    /// The HMAC key bytes (an error for other schemes).
    pub(super) fn secret_key(&self) -> Result<&[u8], Error> {
        match &self.primary {
            SigningKey::Secret(k) => Ok(k),
            other => Err(Error::CredentialMismatch {
                needed: CredentialKind::SharedSecret,
                given: other.kind(),
            }),
        }
    }

    /// The valid raw proof of the standard event of `tc`.
    pub(super) fn raw_proof(&self, tc: u32) -> Result<Vec<u8>, Error> {
        self.raw_for(&self.primary, &self.payload(tc, 0, self.ev(tc)))
    }

    /// The valid encoded proof of the standard event of `tc`.
    pub(super) fn valid_text(&self, tc: u32) -> Result<String, Error> {
        self.text_for(&self.primary, &self.payload(tc, 0, self.ev(tc)))
    }

    /// The standard event of `tc` with the encoded proof `text`.
    pub(super) fn with_text(&self, tc: u32, text: &str) -> Result<Delivery, Error> {
        self.place(&self.payload(tc, 0, self.ev(tc)), text)
    }

    /// The header that carries the proof.
    pub(super) fn proof_header(&self) -> Result<&'static str, Error> {
        self.scheme
            .carrier
            .header_name()
            .ok_or_else(|| Error::Generator {
                problem: GeneratorProblem::NoProofHeader {
                    scheme: self.scheme.id.to_string(),
                },
            })
    }

    /// The value of the proof header that carries `text` in `tc`'s
    /// delivery.
    pub(super) fn header_value(&self, tc: u32, text: &str) -> Result<Vec<u8>, Error> {
        let d = self.with_text(tc, text)?;
        let name = self.proof_header()?;
        d.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .ok_or_else(|| Error::Generator {
                problem: GeneratorProblem::NoHeader {
                    name: name.to_owned(),
                },
            })
    }

    /// The valid delivery of `tc` with the proof header's value replaced by
    /// `value`: a single-proof header is set anew (it moves after the
    /// others), a list or key header is rewritten where it stands.
    pub(super) fn rewrite_header(
        &self,
        tc: u32,
        url: Option<&str>,
        value: impl Into<Vec<u8>>,
    ) -> Result<Delivery, Error> {
        let mut p = self.payload(tc, 0, self.ev(tc));
        if let Some(u) = url {
            p.url = u.to_owned();
        }
        let mut d = self.place(&p, &self.text_for(&self.primary, &p)?)?;
        let name = self.proof_header()?;
        if matches!(self.scheme.carrier, Carrier::Header { .. }) {
            d.set_header(name, value);
        } else if let Some(h) = d
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            h.1 = value.into();
        }
        Ok(d)
    }

    /// The delivery `build` makes from the standard event padded so that
    /// the final body is exactly [`LARGE_BODY`] bytes.
    pub(super) fn large(
        &self,
        tc: u32,
        build: &dyn Fn(String) -> Result<Delivery, Error>,
    ) -> Result<Delivery, Error> {
        let padded = |n: usize| {
            let pad: String = "hookspec 64 KiB padding. "
                .chars()
                .cycle()
                .take(n)
                .collect();
            self.bodies.body(tc, 0, &format!("\"padding\":\"{pad}\""))
        };
        let first = build(padded(0))?;
        let n = LARGE_BODY
            .checked_sub(first.body.len())
            .ok_or(Error::Generator {
                problem: GeneratorProblem::BaseBodyTooLarge,
            })?;
        let d = build(padded(n))?;
        if d.body.len() != LARGE_BODY {
            return Err(Error::Generator {
                problem: GeneratorProblem::LargeBodyWrongSize { len: d.body.len() },
            });
        }
        Ok(d)
    }
}

/// Renames the header `to` names (any case) to exactly `to`.
pub(super) fn rename_header(d: &mut Delivery, to: &str) -> Result<(), Error> {
    let Some(h) = d
        .headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case(to))
    else {
        return Err(Error::Generator {
            problem: GeneratorProblem::NoHeader {
                name: to.to_owned(),
            },
        });
    };
    h.0 = to.to_owned();
    Ok(())
}
