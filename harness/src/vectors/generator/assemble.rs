//! Assembly: the rules' cases, numbered through the scheme's tcId ledger,
//! built, grouped by key material and annotated with their notes.

use std::collections::{BTreeMap, BTreeSet};

use super::rules::{self, Case};
use super::{notes, Gen, GroupKind};
use crate::error::GeneratorProblem;
use crate::keys::{self, test_keys, SigningKey};
use crate::scheme::{CredentialKind, SchemeId};
use crate::vectors::{Request, TestGroup, VectorFile, VectorTest, SCHEMA_VERSION};
use crate::Error;

/// The groups of a scheme, in file order, with the key material each
/// trusts.
pub(super) fn groups(g: &Gen) -> Result<Vec<(GroupKind, TestGroup)>, Error> {
    let empty = TestGroup {
        secret: None,
        public_keys: None,
        public_key_pem: None,
        tolerance: None,
        tests: Vec::new(),
    };
    let ed = |keys: &[&SigningKey]| -> Result<Vec<String>, Error> {
        keys.iter()
            .map(|k| {
                test_keys::ed25519_hex(k).ok_or_else(|| Error::CredentialMismatch {
                    needed: CredentialKind::Ed25519PublicKeys,
                    given: k.kind(),
                })
            })
            .collect()
    };
    let pem = |k: &SigningKey| -> Result<String, Error> {
        match k {
            SigningKey::Rsa(k) => keys::rsa_to_spki_pem(&k.to_public_key()),
            _ => Err(Error::CredentialMismatch {
                needed: CredentialKind::RsaPublicKey,
                given: k.kind(),
            }),
        }
    };
    let s = g.scheme;
    let mut out = Vec::new();
    match s.credential {
        CredentialKind::SharedSecret => {
            let secret = Some(g.secret_text.to_owned());
            let timed = s.message.signs_timestamp();
            out.push((
                GroupKind::Main,
                TestGroup {
                    secret: secret.clone(),
                    tolerance: timed.then_some(crate::verify::DEFAULT_TOLERANCE_S),
                    ..empty.clone()
                },
            ));
            if let (true, Some(n)) = (timed, s.vectors.narrow_window_s) {
                let narrow = TestGroup {
                    secret,
                    tolerance: Some(n),
                    ..empty
                };
                out.push((GroupKind::Narrow, narrow));
            }
        }
        CredentialKind::Ed25519PublicKeys => {
            let main = TestGroup {
                public_keys: Some(ed(&[&g.primary])?),
                ..empty.clone()
            };
            out.push((GroupKind::Main, main));
            if let Some(r) = &g.rotation {
                let both = TestGroup {
                    public_keys: Some(ed(&[&g.primary, r])?),
                    ..empty.clone()
                };
                let rotated = TestGroup {
                    public_keys: Some(ed(&[r])?),
                    ..empty
                };
                out.push((GroupKind::Both, both));
                out.push((GroupKind::Rotated, rotated));
            }
        }
        CredentialKind::RsaPublicKey => {
            let main = TestGroup {
                public_key_pem: Some(pem(&g.primary)?),
                ..empty.clone()
            };
            out.push((GroupKind::Main, main));
            if let Some(r) = &g.rotation {
                let rotated = TestGroup {
                    public_key_pem: Some(pem(r)?),
                    ..empty
                };
                out.push((GroupKind::Rotated, rotated));
            }
        }
    }
    Ok(out)
}

/// The cases of the scheme with their tcIds and comments: ledger keys keep
/// their id (or are left out, `-`), every other key takes a fresh id above
/// every used and retired one, in rule order.
pub(super) fn numbered(id: SchemeId, cases: Vec<Case>) -> Result<Vec<(u32, Case)>, Error> {
    let data = id.scheme().vectors;
    let err = |problem| Error::Generator { problem };
    let mut keys = BTreeSet::new();
    for c in &cases {
        if !keys.insert(c.key.clone()) {
            return Err(err(GeneratorProblem::RuleKeyTwice {
                scheme: id.to_string(),
                key: c.key.clone(),
            }));
        }
    }
    if let Some(l) = data.ledger.iter().find(|l| !keys.contains(l.key)) {
        return Err(err(GeneratorProblem::LedgerKeyUnmade {
            scheme: id.to_string(),
            key: l.key.to_owned(),
        }));
    }
    let mut next = data
        .ledger
        .iter()
        .filter_map(|l| l.tc_id)
        .chain(data.retired.iter().copied())
        .max()
        .unwrap_or(0);
    let mut out = Vec::with_capacity(cases.len());
    for mut c in cases {
        let tc = match data.ledger.iter().find(|l| l.key == c.key) {
            Some(l) => match l.tc_id {
                None => continue,
                Some(tc) => {
                    if let Some(comment) = l.comment {
                        c.comment = comment.to_owned();
                    }
                    tc
                }
            },
            None => {
                next += 1;
                next
            }
        };
        if data.retired.contains(&tc) {
            return Err(err(GeneratorProblem::RetiredTcId {
                scheme: id.to_string(),
                tc_id: tc,
            }));
        }
        out.push((tc, c));
    }
    Ok(out)
}

pub(in crate::vectors) fn generate(id: SchemeId) -> Result<VectorFile, Error> {
    let g = Gen::new(id)?;
    let mut groups = groups(&g)?;
    let mut notes = BTreeMap::new();
    let mut count = 0usize;
    for (tc, c) in numbered(id, rules::catalogue(&g))? {
        let delivery = (c.build)(&g, tc).map_err(|e| Error::GeneratorCase {
            scheme: id.to_string(),
            tc_id: tc,
            rule: c.key.clone(),
            source: Box::new(e),
        })?;
        for f in &c.flags {
            if !notes.contains_key(*f) {
                notes.insert((*f).to_owned(), notes::note(g.scheme, f)?);
            }
        }
        let test = VectorTest {
            tc_id: tc,
            comment: c.comment,
            flags: c.flags.iter().map(|f| (*f).to_owned()).collect(),
            request: Request::from_delivery(&delivery)?,
            now: c.now,
            result: c.result,
        };
        let group = groups
            .iter_mut()
            .find(|(k, _)| *k == c.group)
            .ok_or_else(|| Error::Generator {
                problem: GeneratorProblem::NoGroup {
                    scheme: id.to_string(),
                    group: format!("{:?}", c.group),
                },
            })?;
        group.1.tests.push(test);
        count += 1;
    }
    let mut groups: Vec<TestGroup> = groups.into_iter().map(|(_, g)| g).collect();
    for group in &mut groups {
        group.tests.sort_by_key(|t| t.tc_id);
    }
    groups.retain(|g| !g.tests.is_empty());
    Ok(VectorFile {
        scheme: id.to_string(),
        schema_version: SCHEMA_VERSION,
        number_of_tests: count,
        header: vec![
            format!("hookspec test vectors for the `{id}` webhook scheme: {}.", g.scheme.summary),
            format!("Source: {}; conventions: docs/spec.md §2 and vectors/README.md.", g.scheme.reference),
            "Generated by hookspec's vector generator (harness/src/vectors); do not edit by hand. Regenerate with `HOOKSPEC_BLESS=1 cargo test --test vectors`.".into(),
            "TEST-ONLY KEYS: every secret and private key behind these vectors is public (vectors/keys/). Never use them in production.".into(),
            "URLs are fictional (receiver.example, never contacted); `now` is the receiver's clock in unix seconds.".into(),
        ],
        notes,
        test_groups: groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::LedgerEntry;

    fn dummy(key: &str) -> Case {
        rules::case(
            key.to_owned(),
            crate::vectors::Expected::Valid,
            &["Basic"],
            "c",
            |g, tc| g.signed(tc, g.ev(tc)),
        )
    }

    #[test]
    fn builtin_ledgers_name_every_rule_that_applies() {
        // A built-in's ledger is complete, so that a new rule never shifts
        // the fresh id another new rule got.
        for id in SchemeId::builtins() {
            let g = Gen::new(id).unwrap();
            let ledger = id.scheme().vectors.ledger;
            for c in rules::catalogue(&g) {
                assert!(
                    ledger.iter().any(|l| l.key == c.key),
                    "{id}: rule `{}` is not in vectors/{id}.ids (give it a tcId or `-`)",
                    c.key
                );
            }
        }
    }

    #[test]
    fn the_valid_proof_the_rules_edit_verifies() {
        // Rules that edit "the valid signature" start from `valid_text`: it
        // must be the proof of the delivery it is placed in (it once left a
        // signed `{header:webhook-id}` out, so every edit edited a wrong one).
        for id in SchemeId::builtins() {
            let g = Gen::new(id).unwrap();
            let d = g.with_text(1, &g.valid_text(1).unwrap()).unwrap();
            let trust = g.primary.trust();
            let policy = crate::verify::Policy::at(super::super::FIXED_NOW);
            let ok = crate::verify::verify(id.scheme(), &trust, &d, &policy);
            assert!(ok.is_ok(), "{id}: {ok:?}");
        }
    }

    #[test]
    fn fresh_ids_go_above_every_used_and_retired_id() {
        let id = SchemeId::builtins()[0];
        let data = id.scheme().vectors;
        let max = data
            .ledger
            .iter()
            .filter_map(|l: &LedgerEntry| l.tc_id)
            .chain(data.retired.iter().copied())
            .max()
            .unwrap();
        let n = numbered(id, vec![dummy("new.one"), dummy("new.two")]);
        // The ledger names keys these cases lack: an error, not a silent drop.
        assert!(n.is_err());
        let mut cases: Vec<Case> = data.ledger.iter().map(|l| dummy(l.key)).collect();
        cases.push(dummy("new.one"));
        cases.push(dummy("new.two"));
        let n = numbered(id, cases).unwrap();
        let fresh: Vec<u32> = n
            .iter()
            .filter(|(_, c)| c.key.starts_with("new."))
            .map(|(tc, _)| *tc)
            .collect();
        assert_eq!(fresh, vec![max + 1, max + 2]);
    }
}
