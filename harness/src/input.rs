//! Bounded reads of the files a user names: secrets, keys, bodies, CA
//! certificates, baselines.
//!
//! Every read stops one byte past a limit chosen for the kind of file, so a
//! wrong path (a log, a disk image) or a device that never ends
//! (`/dev/zero`, `/dev/urandom`) gives a clear [`Error::TooLarge`] at once
//! instead of an unbounded allocation.

use std::io::Read;
use std::path::Path;

use crate::Error;

/// The most bytes read from a secret file. A webhook secret is a few dozen
/// bytes (32 random bytes, hex or base64 encoded, with a prefix); 64 KiB
/// leaves room for any encoding and is still read instantly.
pub const MAX_SECRET_FILE: u64 = 64 * 1024;

/// The most bytes read from a private key file. A PKCS#8 PEM of an
/// RSA-4096 key is about 3.3 KiB, Ed25519 about 120 bytes.
pub const MAX_KEY_FILE: u64 = 64 * 1024;

/// The most bytes read for a body to sign. Providers cap their webhook
/// bodies at a few MiB; 16 MiB is well above any of them.
pub const MAX_BODY: u64 = 16 * 1024 * 1024;

/// The most bytes read from a CA certificate file. A whole public CA
/// bundle (Mozilla's) is about 220 KiB; a private CA is a few KiB.
pub const MAX_CA_FILE: u64 = 1024 * 1024;

/// The most bytes read from an expected-failures file: one line per case
/// id, and a scheme has well under a thousand cases.
pub const MAX_BASELINE_FILE: u64 = 1024 * 1024;

/// Reads at most `limit` bytes of the file at `path`, read as `what` (for
/// the message: `a shared secret`). A longer file (or an endless device)
/// is [`Error::TooLarge`] after reading `limit + 1` bytes; a file that
/// cannot be opened or read is [`Error::Io`].
pub fn read_file(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, Error> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    read_bounded(file, path, limit, what)
}

/// [`read_file`] over any reader (stdin: pass `-` as `name`).
pub fn read_bounded(
    reader: impl Read,
    name: &Path,
    limit: u64,
    what: &'static str,
) -> Result<Vec<u8>, Error> {
    let mut buf = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(name, e))?;
    if u64::try_from(buf.len()).unwrap_or(u64::MAX) > limit {
        return Err(Error::TooLarge {
            path: name.to_path_buf(),
            limit,
            what,
        });
    }
    Ok(buf)
}

/// `64 KiB`, `16 MiB`, `100 bytes`: a byte count as limits are stated.
pub fn human_bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n % MIB == 0 {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n % KIB == 0 {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_refuses_one_byte_more() {
        let p = Path::new("mem");
        assert_eq!(read_bounded(&b"abcd"[..], p, 4, "x").unwrap(), b"abcd");
        let e = read_bounded(&b"abcde"[..], p, 4, "a shared secret").unwrap_err();
        assert!(matches!(e, Error::TooLarge { limit: 4, .. }), "{e}");
        assert_eq!(
            e.to_string(),
            "mem: larger than 4 bytes, the most hookspec reads for a shared secret"
        );
    }

    #[test]
    fn an_endless_reader_ends_at_the_limit() {
        let e = read_bounded(std::io::repeat(0), Path::new("zero"), MAX_SECRET_FILE, "x");
        assert!(matches!(e, Err(Error::TooLarge { .. })));
    }

    #[test]
    fn limits_read_as_stated() {
        assert_eq!(human_bytes(MAX_SECRET_FILE), "64 KiB");
        assert_eq!(human_bytes(MAX_BODY), "16 MiB");
        assert_eq!(human_bytes(1000), "1000 bytes");
    }
}
