//! Key material: what the sender signs with ([`SigningKey`]) and what the
//! receiver trusts ([`Trust`]), plus the checked-in, test-only keys.

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey};
use rsa::pkcs8::LineEnding;

use crate::scheme::{CredentialKind, Scheme, TestKeyPair};
use crate::Error;

/// What the sender signs with.
#[derive(Clone)]
#[non_exhaustive]
pub enum SigningKey {
    /// A shared secret (HMAC key, API key), as bytes.
    Secret(Vec<u8>),
    /// An Ed25519 private key.
    Ed25519(Box<ed25519_dalek::SigningKey>),
    /// An RSA private key.
    Rsa(Box<rsa::RsaPrivateKey>),
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print secrets.
        match self {
            SigningKey::Secret(s) => write!(f, "Secret({} bytes)", s.len()),
            SigningKey::Ed25519(_) => f.write_str("Ed25519(..)"),
            SigningKey::Rsa(_) => f.write_str("Rsa(..)"),
        }
    }
}

/// What the receiver trusts.
#[derive(Clone)]
#[non_exhaustive]
pub enum Trust {
    /// The shared secret.
    Secret(Vec<u8>),
    /// The published Ed25519 public keys (any of them may have signed).
    Ed25519(Vec<ed25519_dalek::VerifyingKey>),
    /// The published RSA public keys (normally one).
    Rsa(Vec<rsa::RsaPublicKey>),
}

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Trust::Secret(s) => write!(f, "Secret({} bytes)", s.len()),
            Trust::Ed25519(k) => write!(f, "Ed25519({} keys)", k.len()),
            Trust::Rsa(k) => write!(f, "Rsa({} keys)", k.len()),
        }
    }
}

impl SigningKey {
    /// The public counterpart a receiver must trust.
    pub fn trust(&self) -> Trust {
        match self {
            SigningKey::Secret(s) => Trust::Secret(s.clone()),
            SigningKey::Ed25519(k) => Trust::Ed25519(vec![k.verifying_key()]),
            SigningKey::Rsa(k) => Trust::Rsa(vec![k.to_public_key()]),
        }
    }

    /// The credential kind this key is.
    pub fn kind(&self) -> CredentialKind {
        match self {
            SigningKey::Secret(_) => CredentialKind::SharedSecret,
            SigningKey::Ed25519(_) => CredentialKind::Ed25519PublicKeys,
            SigningKey::Rsa(_) => CredentialKind::RsaPublicKey,
        }
    }

    /// Whether this key fits the scheme's credential kind.
    pub fn fits(&self, scheme: &Scheme) -> bool {
        self.kind() == scheme.credential
    }

    /// Parses a PKCS#8 PEM private key (Ed25519 or RSA).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, Error> {
        if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_pem(pem) {
            return Ok(SigningKey::Ed25519(Box::new(k)));
        }
        rsa::RsaPrivateKey::from_pkcs8_pem(pem)
            .map(|k| SigningKey::Rsa(Box::new(k)))
            .map_err(|source| Error::PrivateKeyPem { source })
    }
}

/// Parses an Ed25519 public key from 64 hex digits (the form the
/// `smartasset` key route publishes).
pub fn ed25519_from_hex(hex: &str) -> Result<ed25519_dalek::VerifyingKey, Error> {
    let bytes = crate::encoding::decode_hex(hex.trim().as_bytes())
        .map_err(|source| Error::Ed25519PublicKeyHex { source })?;
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|b: Vec<u8>| Error::Ed25519PublicKeyLength { bytes: b.len() })?;
    ed25519_dalek::VerifyingKey::from_bytes(&arr)
        .map_err(|source| Error::Ed25519PublicKey { source })
}

/// Parses an RSA public key from SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
pub fn rsa_from_spki_pem(pem: &str) -> Result<rsa::RsaPublicKey, Error> {
    rsa::RsaPublicKey::from_public_key_pem(pem.trim())
        .map_err(|source| Error::RsaPublicKeyPem { source })
}

/// SPKI PEM of an RSA public key.
pub fn rsa_to_spki_pem(key: &rsa::RsaPublicKey) -> Result<String, Error> {
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|source| Error::PublicKeyPem { source })
}

/// SPKI PEM of an Ed25519 public key.
pub fn ed25519_to_spki_pem(key: &ed25519_dalek::VerifyingKey) -> Result<String, Error> {
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|source| Error::PublicKeyPem { source })
}

impl TestKeyPair {
    /// The parsed private key.
    pub fn signing_key(&self) -> Result<SigningKey, Error> {
        SigningKey::from_pkcs8_pem(self.private_pem)
    }
}

/// The key bytes a receiver and the harness use for a configured shared
/// secret (decoded as the scheme says; see [`Scheme::shared_key`]).
pub fn shared_secret(scheme: &Scheme, secret: &[u8]) -> Result<SigningKey, Error> {
    scheme.shared_key(secret).map(SigningKey::Secret)
}

/// The test keys a scheme names, by role. **Test-only**: their private
/// halves are public. For a shared-secret scheme every role is a secret:
/// the scheme's test secret signs, a different one forges, and no rotation.
#[derive(Debug, Clone)]
pub struct RoleKeys {
    /// Valid deliveries are signed with it.
    pub signing: SigningKey,
    /// Forged deliveries are signed with it (never published at the start).
    pub unknown: SigningKey,
    /// Published by a key rotation, if the scheme rotates keys.
    pub rotation: Option<SigningKey>,
}

impl RoleKeys {
    /// The role keys of `scheme`, or an error naming the missing role.
    pub fn of(scheme: &Scheme) -> Result<Self, Error> {
        if scheme.credential == CredentialKind::SharedSecret {
            let key = |s: &[u8]| shared_secret(scheme, s);
            let signing = key(scheme.test_secret.as_bytes())?;
            let unknown = match &signing {
                SigningKey::Secret(k) => {
                    SigningKey::Secret(k.iter().map(|b| b ^ 0x5a).chain([0x5a]).collect())
                }
                other => other.clone(),
            };
            return Ok(RoleKeys {
                signing,
                unknown,
                rotation: None,
            });
        }
        let k = &scheme.test_keys;
        let need = |p: Option<TestKeyPair>, role: &'static str| {
            p.ok_or_else(|| Error::NoTestKey {
                scheme: scheme.id.to_string(),
                role,
            })
            .and_then(|p| p.signing_key())
        };
        Ok(RoleKeys {
            signing: need(k.signing, "signing")?,
            unknown: need(k.unknown, "unknown")?,
            rotation: k.rotation.map(|p| p.signing_key()).transpose()?,
        })
    }
}

/// The checked-in secret. **Test-only**.
pub mod test_keys {
    use super::*;

    /// The shared secret hookspec uses for the HMAC and API-key schemes when
    /// none is given (demo, vectors). Test-only.
    pub const TEST_SECRET: &str = "hookspec-test-secret-not-for-production";

    /// What a test key is for (`credential.test_keys.roles`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Role {
        /// Valid deliveries are signed with it.
        Signing,
        /// Published by a key rotation.
        Rotation,
        /// Never published at the start.
        Unknown,
    }

    /// The test key pair a registered scheme names for `role`, if any.
    pub fn pair(scheme: &str, role: Role) -> Option<crate::scheme::TestKeyPair> {
        let k = crate::describe::registry::lookup(scheme)?
            .scheme()
            .test_keys;
        match role {
            Role::Signing => k.signing,
            Role::Rotation => k.rotation,
            Role::Unknown => k.unknown,
        }
    }

    /// Hex of an Ed25519 public key, as a `hex-key-list-json` key route
    /// publishes it.
    pub fn ed25519_hex(key: &SigningKey) -> Option<String> {
        match key {
            SigningKey::Ed25519(k) => Some(hex::encode(k.verifying_key().as_bytes())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_in_keys_parse_and_match_their_public_halves() {
        for s in crate::describe::registry::builtins() {
            let k = s.test_keys;
            for pair in [k.signing, k.rotation, k.unknown].into_iter().flatten() {
                match pair.signing_key() {
                    Ok(SigningKey::Ed25519(sk)) => {
                        let pk =
                            ed25519_dalek::VerifyingKey::from_public_key_pem(pair.public_pem).ok();
                        assert_eq!(pk, Some(sk.verifying_key()), "{}", pair.name);
                    }
                    Ok(SigningKey::Rsa(sk)) => assert_eq!(
                        rsa_from_spki_pem(pair.public_pem).ok(),
                        Some(sk.to_public_key()),
                        "{}",
                        pair.name
                    ),
                    other => panic!("{}: {other:?}", pair.name),
                }
            }
        }
    }

    #[test]
    fn every_scheme_has_its_role_keys() {
        for s in crate::describe::registry::builtins() {
            let k = RoleKeys::of(s).unwrap();
            assert!(k.signing.fits(s) && k.unknown.fits(s), "{}", s.id);
        }
    }

    #[test]
    fn hex_public_keys_are_checked() {
        assert!(ed25519_from_hex("00").is_err());
        assert!(ed25519_from_hex("zz").is_err());
    }
}
