//! The algorithm family: keys the receiver does not trust, key rotations,
//! and proofs made with another primitive (another HMAC hash, an unkeyed
//! hash, RSA variants, a malleated Ed25519 signature).

use rand_chacha::rand_core::SeedableRng;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use rsa::Pkcs1v15Sign;
use sha2::{Digest, Sha256, Sha512};

use super::super::edits::add_l_to_s;
use super::super::{Gen, GroupKind};
use super::proof::hash_tag;
use super::{case, Case};
use crate::error::GeneratorProblem;
use crate::keys::SigningKey;
use crate::scheme::{Algorithm, CredentialKind};
use crate::sign;
use crate::vectors::Expected::{self, Invalid as I, Valid as V};
use crate::Error;

/// The seed of the RNG used for randomized signatures (RSA-PSS).
const RNG_SEED: u64 = 0x686f_6f6b_7370_6563; // "hookspec"

pub(super) fn cases(g: &Gen, out: &mut Vec<Case>) {
    let set = g.scheme.credential == CredentialKind::Ed25519PublicKeys;
    out.push(case(
        "key.wrong",
        I,
        &[if set { "UnpublishedKey" } else { "WrongKey" }],
        "signed with a key the receiver does not trust",
        |g, tc| g.signed_by(&g.wrong, tc, 0, g.ev(tc)),
    ));
    rotation(g, out, set);
    match g.scheme.algorithm {
        Algorithm::HmacSha1 | Algorithm::HmacSha256 | Algorithm::HmacSha512 => hmac(g, out),
        Algorithm::RsaPkcs1v15Sha256 => rsa_variants(out),
        Algorithm::Ed25519 => out.push(case(
            "ed25519.s-plus-l",
            I,
            &["SignatureMalleability"],
            "S replaced by S + L",
            |g, tc| g.with_text(tc, &g.encode(&add_l_to_s(&g.raw_proof(tc)?)?)),
        )),
        Algorithm::SharedKey => {}
    }
}

/// Which key signs: the signing key, the rotation key or an unknown one.
#[derive(Clone, Copy)]
enum Who {
    Signing,
    Rotation,
    Unknown,
}

fn by(
    key: &str,
    result: Expected,
    flag: &'static str,
    comment: &str,
    group: GroupKind,
    who: Who,
) -> Case {
    case(key, result, &[flag], comment, move |g, tc| {
        let k: &SigningKey = match who {
            Who::Signing => &g.primary,
            Who::Unknown => &g.wrong,
            Who::Rotation => g.rotation.as_ref().ok_or(Error::Generator {
                problem: GeneratorProblem::NoRotationKey,
            })?,
        };
        g.signed_by(k, tc, 0, g.ev(tc))
    })
    .group(group)
}

/// A rotation publishes a new key (beside the old one, when the scheme
/// publishes a set), then removes the old one.
fn rotation(g: &Gen, out: &mut Vec<Case>, set: bool) {
    if g.rotation.is_none() {
        return;
    }
    use GroupKind::{Both, Main, Rotated};
    use Who::{Rotation, Signing, Unknown};
    if set {
        out.push(by(
            "rotation.both-new",
            V,
            "KeyRotation",
            "old and new key published, signed by the new key",
            Both,
            Rotation,
        ));
        out.push(by(
            "rotation.both-old",
            V,
            "KeyRotation",
            "old and new key published, signed by the old key",
            Both,
            Signing,
        ));
    }
    out.push(by(
        "rotation.new-only",
        V,
        "KeyRotation",
        "after the rotation, signed by the new key",
        Rotated,
        Rotation,
    ));
    out.push(by(
        "rotation.removed",
        I,
        "RemovedKey",
        "after the rotation, signed by the removed key",
        Rotated,
        Signing,
    ));
    out.push(by(
        "rotation.before-publication",
        I,
        "UnpublishedKey",
        "signed by the new key before its publication",
        Main,
        Rotation,
    ));
    if set {
        out.push(by(
            "rotation.unknown-both",
            I,
            "UnpublishedKey",
            "old and new key published, signed by a key never published",
            Both,
            Unknown,
        ));
    }
}

/// HMAC: the secret as the proof, an empty secret, the body instead of the
/// message, another hash, no key at all.
fn hmac(g: &Gen, out: &mut Vec<Case>) {
    let n = g.noun();
    let alg = g.scheme.algorithm;
    out.push(case(
        "key.secret-as-proof",
        I,
        &["WrongKey"],
        format!("the secret itself as the {n}"),
        |g, tc| g.with_text(tc, g.secret_text),
    ));
    out.push(case(
        "key.empty-secret",
        I,
        &["EmptySecret"],
        format!("{n} made with an empty secret"),
        |g, tc| {
            let p = g.payload(tc, 0, g.ev(tc));
            g.with_text(tc, &g.text_for(&SigningKey::Secret(Vec::new()), &p)?)
        },
    ));
    if !g.scheme.message.signs_body() && !g.scheme.message.signs_event() {
        out.push(case(
            "message.body-instead",
            I,
            &["TokenOverBody"],
            format!("{n} is the HMAC of the body"),
            move |g, tc| {
                let mac = sign::hmac_parts(alg, g.secret_key()?, &[g.ev(tc).as_bytes()]);
                g.with_text(tc, &g.encode(&mac.unwrap_or_default()))
            },
        ));
    }
    let other = if alg == Algorithm::HmacSha512 {
        Algorithm::HmacSha256
    } else {
        Algorithm::HmacSha512
    };
    let name = |a| {
        hash_tag(a)
            .unwrap_or_default()
            .to_ascii_uppercase()
            .replace("SHA", "SHA-")
    };
    out.push(case(
        "alg.other-hmac",
        I,
        &["WrongAlgorithm"],
        format!("HMAC-{} instead of HMAC-{}", name(other), name(alg)),
        move |g, tc| {
            let mac = sign::hmac_parts(other, g.secret_key()?, &[&g.message(tc)]);
            g.with_text(tc, &g.encode(&mac.unwrap_or_default()))
        },
    ));
    out.push(case(
        "alg.unkeyed-hash",
        I,
        &["WrongAlgorithm"],
        format!("unkeyed {} of the signed message", name(alg)),
        move |g, tc| {
            let m = g.message(tc);
            let digest = match alg {
                Algorithm::HmacSha1 => sha1::Sha1::digest(&m).to_vec(),
                Algorithm::HmacSha512 => Sha512::digest(&m).to_vec(),
                _ => Sha256::digest(&m).to_vec(),
            };
            g.with_text(tc, &g.encode(&digest))
        },
    ));
}

type RsaSign = fn(&rsa::RsaPrivateKey, &[u8]) -> Result<Vec<u8>, Error>;

/// RSA: another padding or hash than PKCS#1 v1.5 with SHA-256.
fn rsa_variants(out: &mut Vec<Case>) {
    let variants: [(&str, &str, RsaSign); 4] = [
        ("rsa.pss-sha256", "RSA-PSS with SHA-256", |k, m| {
            let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(RNG_SEED);
            let sk = rsa::pss::SigningKey::<Sha256>::new(k.clone());
            Ok(sk.sign_with_rng(&mut rng, m).to_vec())
        }),
        ("rsa.pkcs1-sha1", "PKCS#1 v1.5 with SHA-1", |k, m| {
            k.sign(Pkcs1v15Sign::new::<sha1::Sha1>(), &sha1::Sha1::digest(m))
                .map_err(|source| Error::RsaSigning { source })
        }),
        ("rsa.pss-sha1", "RSA-PSS with SHA-1", |k, m| {
            let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(RNG_SEED);
            let sk = rsa::pss::SigningKey::<sha1::Sha1>::new(k.clone());
            Ok(sk.sign_with_rng(&mut rng, m).to_vec())
        }),
        ("rsa.pkcs1-sha512", "PKCS#1 v1.5 with SHA-512", |k, m| {
            k.sign(Pkcs1v15Sign::new::<Sha512>(), &Sha512::digest(m))
                .map_err(|source| Error::RsaSigning { source })
        }),
    ];
    for (key, comment, f) in variants {
        out.push(case(key, I, &["WrongAlgorithm"], comment, move |g, tc| {
            let SigningKey::Rsa(k) = &g.primary else {
                return Err(Error::CredentialMismatch {
                    needed: CredentialKind::RsaPublicKey,
                    given: g.primary.kind(),
                });
            };
            g.with_text(tc, &g.encode(&f(k, &g.message(tc))?))
        }));
    }
}
