//! The one layer every text passes through before it leaves the process:
//! secrets out, terminal-hostile characters neutralised.
//!
//! A report is made of text the harness wrote and text that came from
//! elsewhere: the receiver's answers (a `Location` header, a body snippet),
//! transport errors (which quote the URL, and with it an API key in the
//! query or a password in the user-info), the URL the user typed. Rather
//! than trusting each of those places to remember, the whole report is
//! passed through a [`Redactor`] once ([`Redactor::report`]), and so is
//! every message the command line prints. It
//!
//! - replaces every secret it was told about (the shared secret or API key,
//!   in every spelling it can take on the wire: as is, percent-encoded,
//!   JSON-escaped) and every password in a URL's user-info with
//!   [`REDACTED`];
//! - replaces control characters, Unicode bidirectional controls and other
//!   invisible format characters with a visible `\u{…}` escape, so nothing a
//!   receiver sends can move the cursor, recolour, or reorder a terminal
//!   line, or forge a line of the report.

use crate::runner::RunReport;

/// What a secret is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// Secrets shorter than this are not searched for: replacing every `a` of
/// a report would hide the report, not the secret. The command line refuses
/// such secrets anyway (no receiver should accept one).
pub const MIN_SECRET_LEN: usize = 4;

/// Removes secrets and neutralises hostile characters in outgoing text.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Every spelling to replace, longest first (so a longer spelling that
    /// contains a shorter one is replaced whole).
    needles: Vec<String>,
}

impl Redactor {
    /// A redactor that knows no secret yet (it still neutralises
    /// characters and URL passwords).
    pub fn new() -> Self {
        Redactor::default()
    }

    /// Adds a secret: its UTF-8 text (lossy), percent-encoded as a query
    /// value and as a path segment, and JSON-escaped.
    pub fn secret(mut self, bytes: &[u8]) -> Self {
        self.add_secret(bytes);
        self
    }

    /// Adds the password of `url`'s user-info, if it has one (any URL's
    /// user-info password is redacted by pattern too; this also catches the
    /// password where it appears without its URL).
    pub fn url(mut self, url: &str) -> Self {
        if let Ok(u) = url::Url::parse(url) {
            if u.password().is_none() && !u.username().is_empty() {
                // A token as the user name (`https://TOKEN@host/`).
                use base64::Engine as _;
                let token = percent_decode(u.username().as_bytes());
                self.add_secret(u.username().as_bytes());
                self.add_secret(&token);
                let mut basic = token;
                basic.push(b':');
                let b64 = base64::engine::general_purpose::STANDARD.encode(&basic);
                self.add_secret(b64.as_bytes());
            }
            if let Some(p) = u.password() {
                self.add_secret(p.as_bytes());
                let password = percent_decode(p.as_bytes());
                self.add_secret(&password);
                // As HTTP Basic credentials (a receiver may echo them).
                let mut basic = percent_decode(u.username().as_bytes());
                basic.push(b':');
                basic.extend_from_slice(&password);
                use base64::Engine as _;
                let b64 = base64::engine::general_purpose::STANDARD.encode(&basic);
                self.add_secret(b64.as_bytes());
            }
        }
        self
    }

    /// This redactor and everything `other` knows.
    pub fn merge(mut self, other: Redactor) -> Self {
        for n in other.needles {
            if !self.needles.contains(&n) {
                self.needles.push(n);
            }
        }
        self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        self
    }

    fn add_secret(&mut self, bytes: &[u8]) {
        if bytes.len() < MIN_SECRET_LEN {
            return;
        }
        use base64::Engine as _;
        let text = String::from_utf8_lossy(bytes).into_owned();
        let mut spellings = vec![
            text.clone(),
            url::form_urlencoded::byte_serialize(bytes).collect::<String>(),
            percent_encode_all(bytes, false),
            percent_encode_all(bytes, true),
            // As a receiver might echo it back encoded.
            hex::encode(bytes),
            hex::encode_upper(bytes),
            base64::engine::general_purpose::STANDARD.encode(bytes),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
        ];
        if let Ok(quoted) = serde_json::to_string(&text) {
            let inner = quoted
                .strip_prefix('"')
                .and_then(|q| q.strip_suffix('"'))
                .unwrap_or(&quoted)
                .to_owned();
            spellings.push(inner);
        }
        for s in spellings {
            if s.len() >= MIN_SECRET_LEN && !self.needles.contains(&s) {
                self.needles.push(s);
            }
        }
        self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }

    /// `text` without secrets or URL passwords; characters left as they are.
    ///
    /// A text cut short with `…` (a body snippet) also loses a secret's
    /// beginning that stands right before the cut.
    pub fn secrets(&self, text: &str) -> String {
        let mut out = redact_userinfo(text);
        for n in &self.needles {
            if out.contains(n.as_str()) {
                out = out.replace(n.as_str(), REDACTED);
            }
            if out.contains('…') {
                let cuts: Vec<usize> = n
                    .char_indices()
                    .map(|(i, _)| i)
                    .filter(|&i| i >= MIN_SECRET_LEN)
                    .collect();
                for cut in cuts.into_iter().rev() {
                    let pattern = format!("{}…", n.get(..cut).unwrap_or_default());
                    if out.contains(&pattern) {
                        out = out.replace(&pattern, &format!("{REDACTED}…"));
                    }
                }
            }
        }
        out
    }

    /// `text` without secrets, URL passwords or hostile characters: what
    /// may be printed to a terminal or written into a report.
    pub fn text(&self, text: &str) -> String {
        printable(&self.secrets(text))
    }

    /// Redacts an exchange's texts; with `curl`, makes the command that
    /// re-sends its request (redacted like the rest). The delivery itself
    /// is dropped either way: nothing unredacted stays in the report.
    fn exchange(&self, ex: &mut crate::runner::exchange::Exchange, curl: bool) {
        let t = |s: &String| self.text(s);
        let pairs = |v: &mut Vec<(String, String)>| {
            for (n, val) in v.iter_mut() {
                *n = t(n);
                *val = t(val);
            }
        };
        ex.request.url = t(&ex.request.url);
        pairs(&mut ex.request.headers);
        ex.request.body.preview = t(&ex.request.body.preview);
        if let Some(r) = &mut ex.response {
            pairs(&mut r.headers);
            r.body.preview = t(&r.body.preview);
        }
        ex.error = ex.error.as_ref().map(t);
        ex.curl = ex.curl.as_ref().map(t);
        if let Some(d) = ex.delivery.take() {
            if curl {
                ex.curl = crate::render::curl(&d)
                    .ok()
                    .map(|c| t(&String::from_utf8_lossy(&c).into_owned()));
            }
        }
    }

    /// A copy of `report` with every text passed through [`Redactor::text`].
    pub fn report(&self, report: &RunReport) -> RunReport {
        let t = |s: &String| self.text(s);
        let mut r = report.clone();
        r.target = t(&r.target);
        r.unreachable = r.unreachable.as_ref().map(t);
        r.refused = r.refused.as_ref().map(t);
        r.diagnosis = r.diagnosis.as_ref().map(t);
        r.incomplete = r.incomplete.iter().map(t).collect();
        for c in &mut r.results {
            // The key values the case's requests carried (an API key, edited
            // or not) are secrets in everything the case shows.
            let mut local = self.clone();
            for ex in &mut c.exchanges {
                for v in std::mem::take(&mut ex.key_values) {
                    local.add_secret(&v);
                }
            }
            let t = |s: &String| local.text(s);
            c.detail = t(&c.detail);
            for check in &mut c.checks {
                check.expected = t(&check.expected);
                check.actual = t(&check.actual);
            }
            let failed = !matches!(c.outcome, crate::runner::Outcome::Pass);
            for (i, ex) in c.exchanges.iter_mut().enumerate() {
                local.exchange(ex, failed && i == 0);
            }
            if let Some(timing) = &mut c.timing {
                timing.reason = t(&timing.reason);
                if let Some(tr) = &mut timing.transport {
                    tr.first_error = tr.first_error.as_ref().map(t);
                    tr.stopped = tr.stopped.as_ref().map(t);
                }
            }
        }
        r
    }
}

/// Replaces the password of every `scheme://user:password@` in `text`.
fn redact_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        // The authority ends at the first `/`, `?`, `#`, whitespace or
        // quote; but a password typed raw may hold `/`, `?` or `#`, so the
        // user-info ends at the last `@` before the end of the URL.
        let url_end = tail
            .find(|c: char| matches!(c, '"' | '\'' | '<' | '>') || c.is_whitespace())
            .unwrap_or(tail.len());
        let host_end = tail
            .find(|c: char| {
                matches!(c, '/' | '?' | '#' | '"' | '\'' | '<' | '>') || c.is_whitespace()
            })
            .unwrap_or(tail.len());
        let end = match tail.get(..url_end).and_then(|u| u.rfind('@')) {
            Some(at) if tail.get(..at).is_some_and(|u| u.contains(':')) => at + 1,
            _ => host_end,
        };
        let (authority, after) = tail.split_at(end);
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(authority.get(..=colon).unwrap_or_default());
                out.push_str(REDACTED);
                out.push_str(authority.get(at..).unwrap_or_default());
            }
            _ => out.push_str(authority),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

fn percent_encode_all(bytes: &[u8], lowercase: bool) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            s.push(char::from(b));
        } else if lowercase {
            s.push_str(&format!("%{b:02x}"));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// Percent-decoding of a URL component (`+` stays `+`).
pub(crate) fn percent_decode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Whether `c` must not reach a terminal as is: control characters (C0
/// but `\t`, DEL, C1), bidirectional controls and other invisible format
/// characters that change how a line reads.
pub fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// `text` with every [`is_hostile`] character written as a visible
/// `\u{…}` escape (so a line break a receiver sends cannot start a forged
/// line of the report either).
pub fn printable(text: &str) -> String {
    if !text.chars().any(is_hostile) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if is_hostile(c) {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_every_spelling() {
        let r = Redactor::new().secret(b"s3cr et/\"x&y");
        for text in [
            "key s3cr et/\"x&y here",
            "http://h/p?apikey=s3cr+et%2F%22x%26y",
            "http://h/p?apikey=s3cr%20et%2F%22x%26y",
            "{\"k\":\"s3cr et/\\\"x&y\"}",
        ] {
            let out = r.text(text);
            assert!(out.contains(REDACTED), "{text} -> {out}");
            assert!(!out.contains("s3cr"), "{text} -> {out}");
        }
        // A wrong key made from the secret is hidden as well.
        assert!(!r.text("s3cr et/\"x&y-not-the-secret").contains("s3cr"));
    }

    #[test]
    fn url_passwords() {
        let r = Redactor::new().url("http://user:pa%40ss@127.0.0.1:9/hook");
        assert_eq!(
            r.text("error sending request for url (http://user:pa%40ss@127.0.0.1:9/hook)"),
            "error sending request for url (http://user:[REDACTED]@127.0.0.1:9/hook)"
        );
        assert_eq!(r.text("password pa@ss alone"), "password [REDACTED] alone");
        // Any URL's password, even one the redactor was not told about.
        assert_eq!(
            Redactor::new().text("see https://a:b@h.test/x and http://h/y@z"),
            "see https://a:[REDACTED]@h.test/x and http://h/y@z"
        );
        assert_eq!(Redactor::new().text("http://u@h/"), "http://u@h/");
    }

    #[test]
    fn hostile_characters_are_escaped() {
        let out = printable("a\u{9b}31m\u{202e}b\nc\x1b[2Jd\te");
        assert_eq!(out, "a\\u{9b}31m\\u{202e}b\\u{a}c\\u{1b}[2Jd\te");
        assert_eq!(printable("plain é ✓"), "plain é ✓");
    }

    #[test]
    fn encoded_and_cut_secrets() {
        let r = Redactor::new().secret(b"s3cr et/x");
        for text in [
            "hex 733363722065742f78",
            "HEX 733363722065742F78",
            "b64 czNjciBldC94",
            "lower s3cr%20et%2fx",
        ] {
            assert!(r.text(text).contains(REDACTED), "{text}");
        }
        // A snippet cut in the middle of the secret.
        assert_eq!(r.text("body `echo s3cr e…`"), "body `echo [REDACTED]…`");
        assert_eq!(r.text("body `echo s3c…`"), "body `echo s3c…`");
    }

    #[test]
    fn raw_passwords_and_token_user_names() {
        // Not a parseable URL (the raw `/` makes `ab` a port): the pattern
        // still finds the user-info.
        assert_eq!(
            Redactor::new().text("`http://user:ab/cd+ef==@host/hook` is bad"),
            "`http://user:[REDACTED]@host/hook` is bad"
        );
        let r = Redactor::new().url("https://tok3n-abc@h.test/hook");
        assert_eq!(r.text("token tok3n-abc"), "token [REDACTED]");
        assert_eq!(r.text("basic dG9rM24tYWJjOg=="), "basic [REDACTED]");
    }

    #[test]
    fn percent_decoding_needs_two_hex_digits() {
        assert_eq!(percent_decode(b"a%41%+f%4"), b"aA%+f%4".to_vec());
    }

    #[test]
    fn short_secrets_are_not_searched() {
        let r = Redactor::new().secret(b"ab");
        assert_eq!(r.text("abc"), "abc");
    }
}
