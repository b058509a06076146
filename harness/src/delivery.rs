//! The request model shared by the signer, the verifier, the vectors and the
//! transports.

use crate::scheme::HeaderReads;

/// One webhook delivery: an HTTP request as the sender puts it on the wire.
///
/// Header values are bytes (a forged delivery may carry bytes that are not
/// ASCII); names keep the spelling they were given, and lookups ignore case,
/// as HTTP requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// HTTP method, normally `POST`.
    pub method: String,
    /// The full URL, including the query.
    pub url: String,
    /// Header fields in order; a name may repeat.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The raw body.
    pub body: Vec<u8>,
    /// How an HTTP/1 transport spells the header names on the wire.
    pub name_case: NameCase,
    /// Send the body slowly, in pieces (`None`: all at once).
    pub trickle: Option<Trickle>,
}

/// A body sent in `chunks` pieces, `interval` apart: a slow upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trickle {
    /// How many pieces, at most (equal sizes, the last one shorter).
    pub chunks: usize,
    /// The pause before each piece after the first.
    pub interval: std::time::Duration,
}

impl Trickle {
    /// How long the upload takes, pauses only.
    pub fn duration(&self) -> std::time::Duration {
        let pauses = u32::try_from(self.chunks.saturating_sub(1)).unwrap_or(u32::MAX);
        self.interval.saturating_mul(pauses)
    }

    /// `body` as the stream of pieces a transport sends: the first at
    /// once, each of the others after `interval`.
    pub fn stream(
        self,
        body: Vec<u8>,
    ) -> impl futures::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send + 'static {
        let size = body.len().div_ceil(self.chunks.max(1)).max(1);
        let interval = self.interval;
        futures::stream::unfold(
            (bytes::Bytes::from(body), true),
            move |(mut rest, first)| async move {
                if rest.is_empty() {
                    return None;
                }
                if !first && !interval.is_zero() {
                    tokio::time::sleep(interval).await;
                }
                let piece = rest.split_to(size.min(rest.len()));
                Some((Ok(piece), (rest, false)))
            },
        )
    }
}

/// How header names are spelled on the wire. HTTP header names are
/// case-insensitive, so a receiver must accept any spelling; the spellings a
/// transport can produce are these two. (HTTP/2 requires lowercase, and an
/// in-process service sees names through `http::HeaderMap`, which has no
/// case: both always see [`NameCase::Lower`].)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NameCase {
    /// `x-token`: what hyper, and so hookspec, sends by default.
    #[default]
    Lower,
    /// `X-Token`, `Content-Type`: each word capitalized, as many senders
    /// write them.
    Title,
}

impl Delivery {
    /// A `POST` to `url` with `body` and no headers.
    pub fn post(url: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        Delivery {
            method: "POST".to_owned(),
            url: url.into(),
            headers: Vec::new(),
            body: body.into(),
            name_case: NameCase::Lower,
            trickle: None,
        }
    }

    /// Appends a header field (an existing field of that name is kept).
    pub fn push_header(&mut self, name: &str, value: impl Into<Vec<u8>>) {
        self.headers.push((name.to_owned(), value.into()));
    }

    /// Sets a header field, replacing every field of that name (any case).
    pub fn set_header(&mut self, name: &str, value: impl Into<Vec<u8>>) {
        let value = value.into();
        self.remove_header(name);
        self.headers.push((name.to_owned(), value));
    }

    /// Removes every field of that name (any case).
    pub fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// Every value of the fields called `name` (any case), in order.
    pub fn header_values<'a, 'n>(
        &'a self,
        name: &'n str,
    ) -> impl Iterator<Item = &'a [u8]> + use<'a, 'n> {
        self.headers
            .iter()
            .filter(move |(n, _)| same_name(n.as_bytes(), name.as_bytes()))
            .map(|(_, v)| v.as_slice())
    }

    /// The value of the single field called `name`.
    ///
    /// One pass over the fields, the names compared only where the lengths
    /// agree ([`same_name`] is inlined up to its length check): the
    /// verifier looks up two or three headers on every delivery.
    pub fn header(&self, name: &str) -> HeaderLookup<'_> {
        let mut found = HeaderLookup::Absent;
        for (n, v) in &self.headers {
            if same_name(n.as_bytes(), name.as_bytes()) {
                if found != HeaderLookup::Absent {
                    return HeaderLookup::Repeated;
                }
                found = HeaderLookup::One(v);
            }
        }
        found
    }

    /// [`Delivery::header`] of each of `names` (distinct, ASCII case
    /// folded; those beyond [`HeaderReads::MAX`] are not looked up), in
    /// one pass over the fields.
    pub fn find_headers(&self, names: &[&str]) -> [HeaderLookup<'_>; HeaderReads::MAX] {
        let mut found = [HeaderLookup::Absent; HeaderReads::MAX];
        for (n, v) in &self.headers {
            // The names are distinct: at most one of them matches.
            if let Some((_, slot)) = names
                .iter()
                .zip(&mut found)
                .find(|(name, _)| same_name(n.as_bytes(), name.as_bytes()))
            {
                *slot = match slot {
                    HeaderLookup::Absent => HeaderLookup::One(v),
                    _ => HeaderLookup::Repeated,
                };
            }
        }
        found
    }

    /// The value of the `Content-Type` header as text, if present and ASCII.
    pub fn content_type(&self) -> Option<&str> {
        match self.header("content-type") {
            HeaderLookup::One(v) => std::str::from_utf8(v).ok(),
            _ => None,
        }
    }

    /// The values of the query parameter `name` in [`Delivery::url`]
    /// (percent-decoded).
    pub fn query_values(&self, name: &str) -> Vec<String> {
        let Ok(url) = url::Url::parse(&self.url) else {
            return Vec::new();
        };
        url.query_pairs()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .collect()
    }
}

/// The outcome of looking up a header that must appear at most once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderLookup<'a> {
    /// No field of that name.
    Absent,
    /// Exactly one field.
    One(&'a [u8]),
    /// More than one field: ambiguous, never guessed at.
    Repeated,
}

/// ASCII case-insensitive equality of two header names (what
/// `eq_ignore_ascii_case` computes), eight bytes at a time for names of
/// eight bytes or more: this runs for every header of every delivery.
/// Inlined: most names differ in length or in their last byte
/// (`webhook-signature`, `webhook-timestamp`), which is decided without a
/// call. Case changes bit 0x20 alone, so two bytes that differ in any
/// other bit differ in every case.
#[inline]
pub(crate) fn same_name(a: &[u8], b: &[u8]) -> bool {
    let last_may_match = || match (a.last(), b.last()) {
        (Some(x), Some(y)) => (x ^ y) & !0x20 == 0,
        _ => true,
    };
    a.len() == b.len() && last_may_match() && same_name_same_length(a, b)
}

/// [`same_name`] for names of equal length.
fn same_name_same_length(a: &[u8], b: &[u8]) -> bool {
    let word = |s: &[u8], at: usize| {
        s.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map_or(0, u64::from_le_bytes)
    };
    if a.len() < 8 {
        return a.eq_ignore_ascii_case(b);
    }
    // Words spelled alike (the common case: a lookup by the sender's own
    // spelling) are equal without lowering them.
    let same = |at: usize| {
        let (x, y) = (word(a, at), word(b, at));
        x == y || lower8(x) == lower8(y)
    };
    // Whole words, then the last eight bytes (overlapping the previous
    // word when the length is not a multiple of eight).
    let last = a.len() - 8;
    let mut at = 0;
    while at < last {
        if !same(at) {
            return false;
        }
        at += 8;
    }
    same(last)
}

/// Eight bytes with `A`..=`Z` turned into `a`..=`z`, other bytes unchanged.
fn lower8(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // The low seven bits of each byte: adding at most 0x3f cannot carry into
    // the next byte.
    let low7 = w & (0x7f * ONES);
    let at_least_a = low7 + (0x80 - u64::from(b'A')) * ONES;
    let above_z = low7 + (0x80 - u64::from(b'Z') - 1) * ONES;
    // Bit 7 set where the byte is ASCII (bit 7 clear in `w`), >= 'A', <= 'Z'.
    let upper = at_least_a & !above_z & !w & (0x80 * ONES);
    w | (upper >> 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_trickle_sends_the_whole_body_in_its_pieces() {
        use futures::StreamExt;
        let body: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        for chunks in [1, 2, 9, 1000, 2000] {
            let t = Trickle {
                chunks,
                interval: std::time::Duration::from_micros(if chunks < 10 { 1000 } else { 0 }),
            };
            let pieces: Vec<bytes::Bytes> =
                t.stream(body.clone()).map(|p| p.unwrap()).collect().await;
            assert_eq!(pieces.len(), chunks.min(body.len()), "{chunks}");
            assert_eq!(pieces.concat(), body, "{chunks}");
        }
        let empty: Vec<_> = Trickle {
            chunks: 3,
            interval: std::time::Duration::ZERO,
        }
        .stream(Vec::new())
        .collect()
        .await;
        assert!(empty.is_empty());
    }

    #[test]
    fn header_lookup_ignores_case_and_flags_repeats() {
        let mut d = Delivery::post("http://h/p?a=1&apikey=k%20y", "x");
        d.push_header("X-Token", "a");
        assert_eq!(d.header("x-token"), HeaderLookup::One(b"a"));
        d.push_header("x-TOKEN", "b");
        assert_eq!(d.header("X-Token"), HeaderLookup::Repeated);
        d.set_header("x-token", "c");
        assert_eq!(d.header("X-TOKEN"), HeaderLookup::One(b"c"));
        d.remove_header("X-token");
        assert_eq!(d.header("X-Token"), HeaderLookup::Absent);
        assert_eq!(d.query_values("apikey"), vec!["k y".to_owned()]);
    }

    #[test]
    fn lower8_lowercases_exactly_the_ascii_capitals() {
        for byte in 0..=255u8 {
            for lane in 0..8 {
                let mut bytes = [b'k'; 8];
                bytes[lane] = byte;
                let lowered = lower8(u64::from_le_bytes(bytes)).to_le_bytes();
                let mut expected = [b'k'; 8];
                expected[lane] = byte.to_ascii_lowercase();
                assert_eq!(lowered, expected, "byte {byte:#04x} in lane {lane}");
            }
        }
    }

    #[test]
    fn same_name_is_ascii_case_insensitive_equality() {
        let names: [&[u8]; 22] = [
            b"X-Token",
            b"x-token",
            b"X-TOKEN",
            b"X-Tokem",
            b"X-Token ",
            b"",
            b"@[`{",
            b"`{@[",
            "x-tök".as_bytes(),
            "X-TÖK".as_bytes(),
            b"X-Certifylize-Signature",
            b"x-certifylize-signature",
            b"x-certifylize-signaturE",
            b"x-certifylize-signaturf",
            b"X-Certifylize-Delivery-",
            b"X-BLINK-SIGNATURE",
            b"x-blink-signature",
            b"x-blink-signaturF",
            b"X-Token1",
            b"x-TOKEN1",
            b"x-token1x-token1",
            b"X-TOKEN1X-TOKEN!",
        ];
        for a in names {
            for b in names {
                assert_eq!(same_name(a, b), a.eq_ignore_ascii_case(b), "{a:?} {b:?}");
            }
        }
    }
}
