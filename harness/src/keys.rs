//! Key material: what the sender signs with ([`SigningKey`]) and what the
//! receiver trusts ([`Trust`]), plus the checked-in, test-only keys.

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey};
use rsa::pkcs8::LineEnding;

use crate::scheme::{CredentialKind, Scheme};
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

    /// Whether this key fits the scheme's credential kind.
    pub fn fits(&self, scheme: &Scheme) -> bool {
        matches!(
            (self, scheme.credential),
            (SigningKey::Secret(_), CredentialKind::SharedSecret)
                | (SigningKey::Ed25519(_), CredentialKind::Ed25519PublicKeys)
                | (SigningKey::Rsa(_), CredentialKind::RsaPublicKey)
        )
    }

    /// Parses a PKCS#8 PEM private key (Ed25519 or RSA).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, Error> {
        if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_pem(pem) {
            return Ok(SigningKey::Ed25519(Box::new(k)));
        }
        rsa::RsaPrivateKey::from_pkcs8_pem(pem)
            .map(|k| SigningKey::Rsa(Box::new(k)))
            .map_err(|e| Error::Key(format!("not an Ed25519 or RSA PKCS#8 private key: {e}")))
    }
}

/// Parses an Ed25519 public key from 64 hex digits (the form the
/// `smartasset` key route publishes).
pub fn ed25519_from_hex(hex: &str) -> Result<ed25519_dalek::VerifyingKey, Error> {
    let bytes = crate::encoding::decode_hex(hex.trim().as_bytes())
        .map_err(|e| Error::Key(format!("Ed25519 public key hex: {e}")))?;
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| Error::Key("an Ed25519 public key is 32 bytes (64 hex digits)".into()))?;
    ed25519_dalek::VerifyingKey::from_bytes(&arr)
        .map_err(|e| Error::Key(format!("Ed25519 public key: {e}")))
}

/// Parses an RSA public key from SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
pub fn rsa_from_spki_pem(pem: &str) -> Result<rsa::RsaPublicKey, Error> {
    rsa::RsaPublicKey::from_public_key_pem(pem.trim())
        .map_err(|e| Error::Key(format!("RSA SPKI PEM public key: {e}")))
}

/// SPKI PEM of an RSA public key.
pub fn rsa_to_spki_pem(key: &rsa::RsaPublicKey) -> Result<String, Error> {
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|e| Error::Key(e.to_string()))
}

/// SPKI PEM of an Ed25519 public key.
pub fn ed25519_to_spki_pem(key: &ed25519_dalek::VerifyingKey) -> Result<String, Error> {
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|e| Error::Key(e.to_string()))
}

/// The checked-in keys. **Test-only**: their private halves are public.
pub mod test_keys {
    use super::*;

    /// Which of the checked-in keys.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum TestKey {
        /// Ed25519 key published before rotation.
        Smartasset1,
        /// Ed25519 key published by a rotation.
        Smartasset2,
        /// Ed25519 key that is never published.
        SmartassetUnpublished,
        /// RSA-2048 key published before rotation.
        Cometh1,
        /// RSA-2048 key published by a rotation (or: a different key).
        Cometh2,
    }

    impl TestKey {
        /// The PKCS#8 PEM of the private key.
        pub fn private_pem(self) -> &'static str {
            match self {
                TestKey::Smartasset1 => include_str!("../../vectors/keys/smartasset-1.pem"),
                TestKey::Smartasset2 => include_str!("../../vectors/keys/smartasset-2.pem"),
                TestKey::SmartassetUnpublished => {
                    include_str!("../../vectors/keys/smartasset-unpublished.pem")
                }
                TestKey::Cometh1 => include_str!("../../vectors/keys/cometh-1.pem"),
                TestKey::Cometh2 => include_str!("../../vectors/keys/cometh-2.pem"),
            }
        }

        /// The SPKI PEM of the public key.
        pub fn public_pem(self) -> &'static str {
            match self {
                TestKey::Smartasset1 => include_str!("../../vectors/keys/smartasset-1.pub.pem"),
                TestKey::Smartasset2 => include_str!("../../vectors/keys/smartasset-2.pub.pem"),
                TestKey::SmartassetUnpublished => {
                    include_str!("../../vectors/keys/smartasset-unpublished.pub.pem")
                }
                TestKey::Cometh1 => include_str!("../../vectors/keys/cometh-1.pub.pem"),
                TestKey::Cometh2 => include_str!("../../vectors/keys/cometh-2.pub.pem"),
            }
        }

        /// The file name under `vectors/keys/` (without `.pem`).
        pub fn name(self) -> &'static str {
            match self {
                TestKey::Smartasset1 => "smartasset-1",
                TestKey::Smartasset2 => "smartasset-2",
                TestKey::SmartassetUnpublished => "smartasset-unpublished",
                TestKey::Cometh1 => "cometh-1",
                TestKey::Cometh2 => "cometh-2",
            }
        }

        /// The parsed private key.
        pub fn signing_key(self) -> Result<SigningKey, Error> {
            SigningKey::from_pkcs8_pem(self.private_pem())
        }
    }

    /// The shared secret hookspec uses for the HMAC and API-key schemes when
    /// none is given (demo, vectors). Test-only.
    pub const TEST_SECRET: &str = "hookspec-test-secret-not-for-production";

    /// Hex of an Ed25519 public key, as the `smartasset` key route publishes it.
    pub fn ed25519_hex(key: &SigningKey) -> Option<String> {
        match key {
            SigningKey::Ed25519(k) => Some(hex::encode(k.verifying_key().as_bytes())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_keys::TestKey;
    use super::*;

    #[test]
    fn checked_in_keys_parse_and_match_their_public_halves() {
        for k in [
            TestKey::Smartasset1,
            TestKey::Smartasset2,
            TestKey::SmartassetUnpublished,
        ] {
            let Ok(SigningKey::Ed25519(sk)) = k.signing_key() else {
                panic!("{k:?} is not Ed25519")
            };
            let pk = ed25519_dalek::VerifyingKey::from_public_key_pem(k.public_pem()).ok();
            assert_eq!(pk, Some(sk.verifying_key()));
        }
        for k in [TestKey::Cometh1, TestKey::Cometh2] {
            let Ok(SigningKey::Rsa(sk)) = k.signing_key() else {
                panic!("{k:?} is not RSA")
            };
            assert_eq!(
                rsa_from_spki_pem(k.public_pem()).ok(),
                Some(sk.to_public_key())
            );
        }
    }

    #[test]
    fn hex_public_keys_are_checked() {
        assert!(ed25519_from_hex("00").is_err());
        assert!(ed25519_from_hex("zz").is_err());
    }
}
