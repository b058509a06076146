//! Turning a [`Build`] into a delivery: [`BuildContext`] holds what
//! building needs (scheme, keys, URL, clock, event ids) and [`Built`] is the
//! delivery with the event id a receiver would process it under.

use rsa::{Pkcs1v15Sign, Pss};
use sha2::{Digest, Sha256};

use super::{BodyEdit, Build, ListEdit, ProofEdit, TimestampHeaderEdit, UrlEdit};
use crate::delivery::Delivery;
use crate::keys::SigningKey;
use crate::payload::{BodyKind, Event, EventFactory};
use crate::scheme::{Carrier, CredentialKind, Encoding, Scheme};
use crate::sign::{self, Payload};
use crate::Error;

/// What building a delivery needs.
#[derive(Debug)]
pub struct BuildContext<'a> {
    /// The scheme.
    pub scheme: &'a Scheme,
    /// The key the receiver trusts.
    pub key: &'a SigningKey,
    /// A key the receiver must not trust.
    pub wrong_key: &'a SigningKey,
    /// The URL deliveries are posted to.
    pub url: &'a str,
    /// The sender's clock, unix seconds.
    pub now: i64,
    /// Event ids.
    pub events: &'a EventFactory,
}

/// A delivery and the id a receiver would process it under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// The request.
    pub delivery: Delivery,
    /// The event id by the scheme's rule, if the delivery carries one.
    pub event_id: Option<String>,
}

impl BuildContext<'_> {
    /// A payload for `event` at `now`.
    pub fn payload(&self, event: &Event) -> Payload {
        let mut p = Payload::new(self.url, event.json.clone(), self.now);
        p.event_id = Some(event.id.clone());
        p.event_type = Some(event.event_type.clone());
        p
    }

    /// The encoded proof of `payload` under `key`.
    pub fn encoded(&self, key: &SigningKey, payload: &Payload) -> Result<String, Error> {
        self.encoded_at(key, payload, &payload.timestamp.to_string())
    }

    /// [`BuildContext::encoded`] with the timestamp written as `ts`.
    fn encoded_at(&self, key: &SigningKey, payload: &Payload, ts: &str) -> Result<String, Error> {
        let message = sign::payload_message(self.scheme, payload, ts);
        Ok(sign::encode_proof(
            self.scheme,
            &sign::proof(self.scheme, key, &message)?,
        ))
    }

    /// `delivery` with the event id the scheme's rule reads from it.
    fn done(&self, delivery: Delivery) -> Built {
        Built {
            event_id: crate::verify::event_id(self.scheme, &delivery),
            delivery,
        }
    }

    /// A valid delivery of a fresh event of `kind`.
    pub fn valid(&self, kind: BodyKind) -> Result<Built, Error> {
        let ev = self.events.event(self.scheme, kind);
        Ok(self.done(sign::sign(self.scheme, self.key, &self.payload(&ev))?))
    }

    /// A valid delivery of a fresh event, and the same event as the sender
    /// redelivers it: signed anew one second later (a scheme that signs no
    /// timestamp sends the same bytes), with the scheme's retry headers of
    /// attempt 1.
    pub fn valid_and_redelivered(&self) -> Result<(Built, Built), Error> {
        let s = self.scheme;
        let ev = self.events.event(s, BodyKind::Plain);
        let p = self.payload(&ev);
        let first = sign::sign(s, self.key, &p)?;
        let mut later = p.clone();
        later.timestamp = p.timestamp.saturating_add(1);
        let mut again = sign::sign(s, self.key, &later)?;
        for h in s.retry_headers {
            again.push_header(h.name, h.value_for(1));
        }
        Ok((self.done(first), self.done(again)))
    }

    /// A valid delivery of another event (another body) that carries the
    /// event id `id`.
    pub fn valid_with_id(&self, kind: BodyKind, id: &str) -> Result<Built, Error> {
        let ev = self.events.event_with_id(self.scheme, kind, id);
        Ok(self.done(sign::sign(self.scheme, self.key, &self.payload(&ev))?))
    }

    /// Builds the delivery `build` describes.
    pub fn build(&self, build: &Build) -> Result<Built, Error> {
        let s = self.scheme;
        let ev = self.events.event(s, BodyKind::Plain);
        let p = self.payload(&ev);
        let place = |p: &Payload, encoded: &str| sign::place_proof(s, p, encoded);
        let d = match build {
            Build::Valid {
                kind,
                event_type,
                placement,
            } => {
                let ev = match event_type {
                    Some(t) => self.events.event_with(s, *kind, t, None, 1000),
                    None => self.events.event(s, *kind),
                };
                let mut p = self.payload(&ev);
                p.key_placement = *placement;
                sign::sign(s, self.key, &p)?
            }
            Build::TitleCaseNames => {
                let mut d = sign::sign(s, self.key, &p)?;
                d.name_case = crate::delivery::NameCase::Title;
                d
            }
            Build::SlowUpload(trickle) => {
                let mut d = sign::sign(s, self.key, &p)?;
                d.trickle = Some(*trickle);
                d
            }
            Build::DropProof => drop_proof(s, place(&p, "")?),
            Build::RepeatedProof => {
                let mut d = sign::sign(s, self.wrong_key, &p)?;
                if let Some((name, value)) = proof_header(s, &d) {
                    let mut other = value.clone();
                    other.truncate(other.len().saturating_sub(2));
                    d.push_header(&name, other);
                }
                d
            }
            Build::WrongKey => sign::sign(s, self.wrong_key, &p)?,
            Build::Proof(edit) => {
                let enc = self.encoded(self.key, &p)?;
                let edited = edit_proof(s.encoding, &enc, *edit);
                match edited {
                    EditedProof::Text(t) => place(&p, &t)?,
                    EditedProof::Bytes(b) => {
                        // Non-ASCII bytes: put them in place of a marker.
                        let mut d = place(&p, "\u{1}MARK\u{1}")?;
                        replace_marker(&mut d, b"\x01MARK\x01", &b);
                        d
                    }
                }
            }
            Build::Prefix(prefix) => {
                let enc = self.encoded(self.key, &p)?;
                let mut d = place(&p, &enc)?;
                if let Carrier::Header { name, .. } = s.carrier {
                    d.set_header(name, format!("{prefix}{enc}"));
                }
                d
            }
            Build::Body(edit) => {
                let enc = self.encoded(self.key, &p)?;
                let mut edited = p.clone();
                edited.event = edit_body(&p.event, *edit);
                place(&edited, &enc)?
            }
            Build::OtherBody => {
                let other = self.events.event(s, BodyKind::Plain);
                let enc = self.encoded(self.key, &self.payload(&other))?;
                place(&p, &enc)?
            }
            Build::Reserialized => {
                let v: serde_json::Value =
                    serde_json::from_slice(&p.event).map_err(|source| Error::SampleNotJson {
                        scheme: s.id.to_owned(),
                        source,
                    })?;
                let mut re = p.clone();
                // A `Value`'s Display is its compact serialization (what
                // `serde_json::to_vec` writes), and cannot fail.
                re.event = v.to_string().into_bytes();
                let enc = self.encoded(self.key, &re)?;
                place(&p, &enc)?
            }
            Build::ValidAtUrl(edit) => {
                let mut p = p.clone();
                p.url = edit_url(self.url, *edit)?;
                sign::sign(s, self.key, &p)?
            }
            Build::OtherUrl(edit) => {
                let mut other = p.clone();
                other.url = edit_url(self.url, *edit)?;
                let enc = self.encoded(self.key, &other)?;
                place(&p, &enc)?
            }
            Build::Timestamp(offset) => {
                let mut p = p.clone();
                p.timestamp = self.now.saturating_add(*offset);
                sign::sign(s, self.key, &p)?
            }
            Build::TimestampMillis => {
                let mut p = p.clone();
                p.timestamp = self.now.saturating_mul(1000);
                sign::sign(s, self.key, &p)?
            }
            Build::TimestampEdited => {
                let enc = self.encoded(self.key, &p)?;
                let mut edited = p.clone();
                edited.timestamp = p.timestamp.saturating_sub(1);
                place(&edited, &enc)?
            }
            Build::MissingSigParameter => {
                let mut d = place(&p, "")?;
                if let Carrier::TimestampedHeader {
                    name,
                    ts_key,
                    key_separator,
                    ..
                } = s.carrier
                {
                    d.set_header(name, format!("{ts_key}{key_separator}{}", p.timestamp));
                }
                d
            }
            Build::TimestampForm(form) => {
                let ts = form.text(p.timestamp);
                let enc = self.encoded_at(self.key, &p, &ts)?;
                let mut d = place(&p, &enc)?;
                set_timestamped(s, &mut d, |k| k.list(&[(k.ts_key, &ts), (k.sig_key, &enc)]));
                if let Some(name) = s.timestamp_header() {
                    d.set_header(name, ts);
                }
                d
            }
            Build::TimestampHeader(edit) => {
                let mut d = sign::sign(s, self.key, &p)?;
                if let Some(name) = s.timestamp_header() {
                    match edit {
                        TimestampHeaderEdit::Missing => d.remove_header(name),
                        TimestampHeaderEdit::Empty => d.set_header(name, ""),
                    }
                }
                d
            }
            Build::List(edit) => self.list(&p, *edit)?,
            Build::HeaderShape(shape) => {
                let enc = self.encoded(self.key, &p)?;
                let mut d = place(&p, &enc)?;
                let ts = p.timestamp.to_string();
                set_timestamped(s, &mut d, |k| {
                    shape.value(k.ts_key, &ts, k.sig_key, &enc, [k.pair, k.kv])
                });
                d
            }
            Build::FreshTimestampAppended(offset) => {
                let mut stale = p.clone();
                stale.timestamp = p.timestamp.saturating_add(*offset);
                let enc = self.encoded(self.key, &stale)?;
                let mut d = place(&stale, &enc)?;
                let (old, now) = (stale.timestamp.to_string(), p.timestamp.to_string());
                set_timestamped(s, &mut d, |k| {
                    k.list(&[(k.ts_key, &old), (k.sig_key, &enc), (k.ts_key, &now)])
                });
                d
            }
            Build::RsaPss | Build::RsaSha1 => {
                let SigningKey::Rsa(k) = self.key else {
                    return Err(Error::CredentialMismatch {
                        needed: CredentialKind::RsaPublicKey,
                        given: self.key.kind(),
                    });
                };
                let sig = if *build == Build::RsaPss {
                    let mut rng = rand::thread_rng();
                    k.sign_with_rng(&mut rng, Pss::new::<Sha256>(), &Sha256::digest(&p.event))
                } else {
                    k.sign(
                        Pkcs1v15Sign::new::<sha1::Sha1>(),
                        &sha1::Sha1::digest(&p.event),
                    )
                }
                .map_err(|source| Error::RsaSigning { source })?;
                place(&p, &sign::encode_proof(s, &sig))?
            }
            Build::Method(m) => {
                let mut d = sign::sign(s, self.key, &p)?;
                d.method = (*m).to_owned();
                d
            }
            Build::ContentType(ct) => {
                let mut d = sign::sign(s, self.key, &p)?;
                d.set_header("Content-Type", *ct);
                d
            }
            Build::GzipBody => {
                let mut d = sign::sign(s, self.key, &p)?;
                d.body = gzip(&d.body)?;
                d.set_header("Content-Encoding", "gzip");
                d
            }
            Build::NotJson | Build::NotUtf8 => {
                let mut p = p.clone();
                p.event = if *build == Build::NotJson {
                    format!("event={} not json", ev.id).into_bytes()
                } else {
                    let mut b = format!("{{\"id\":\"{}\",\"x\":\"", ev.id).into_bytes();
                    b.extend_from_slice(&[0xff, 0xfe, 0xc3]);
                    b.extend_from_slice(b"\"}");
                    b
                };
                sign::sign(s, self.key, &p)?
            }
        };
        Ok(self.done(d))
    }
}

/// `bytes` gzip-compressed.
fn gzip(bytes: &[u8]) -> Result<Vec<u8>, Error> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map_err(|source| Error::Gzip { source })
}

/// The keys of a timestamped header.
struct TimestampedKeys {
    /// The timestamp parameter's key (`ts`).
    ts_key: &'static str,
    /// The signature parameter's key (`sig1`).
    sig_key: &'static str,
    /// Between pairs (`;`).
    pair: &'static str,
    /// Between a key and its value (`=`).
    kv: &'static str,
}

impl TimestampedKeys {
    /// `k1=v1;k2=v2…` in the scheme's separators.
    fn list(&self, pairs: &[(&str, &str)]) -> String {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}{}{v}", self.kv))
            .collect::<Vec<_>>()
            .join(self.pair)
    }
}

/// Replaces a timestamped scheme's header with `value(keys)`; other
/// schemes' deliveries are left alone (these builds are only catalogued
/// for timestamped schemes).
fn set_timestamped(s: &Scheme, d: &mut Delivery, value: impl FnOnce(&TimestampedKeys) -> String) {
    if let Carrier::TimestampedHeader {
        name,
        ts_key,
        sig_key,
        pair_separator,
        key_separator,
        ..
    } = s.carrier
    {
        let keys = TimestampedKeys {
            ts_key,
            sig_key,
            pair: pair_separator,
            kv: key_separator,
        };
        d.set_header(name, value(&keys));
    }
}

/// An edited proof: text, or bytes that are not valid UTF-8 text.
enum EditedProof {
    /// The edited proof is text.
    Text(String),
    /// The edited proof carries non-ASCII bytes.
    Bytes(Vec<u8>),
}

/// The encoded proof `enc` (in `encoding`) with `edit` applied.
fn edit_proof(encoding: Encoding, enc: &str, edit: ProofEdit) -> EditedProof {
    let mut chars: Vec<char> = enc.chars().collect();
    match edit {
        ProofEdit::HalfPrefix => chars.truncate(chars.len() / 2),
        ProofEdit::OneCharShort => {
            chars.pop();
        }
        ProofEdit::OneByteShort => {
            let n = match encoding {
                Encoding::Hex => 2,
                Encoding::Base64 | Encoding::Base64Url => 4,
                Encoding::Text => 1,
            };
            chars.truncate(chars.len().saturating_sub(n));
            if matches!(encoding, Encoding::Base64 | Encoding::Base64Url) {
                // Re-encode a shorter signature so the value stays valid base64.
                let raw = encoding.decode(enc.as_bytes()).unwrap_or_default();
                let short = raw.get(..raw.len().saturating_sub(1)).unwrap_or_default();
                return EditedProof::Text(encoding.encode(short));
            }
        }
        ProofEdit::OneCharLong => chars.push(match encoding {
            Encoding::Hex => '0',
            Encoding::Base64 | Encoding::Base64Url => 'A',
            Encoding::Text => 'x',
        }),
        ProofEdit::BadAlphabet => {
            if let Some(c) = chars.first_mut() {
                *c = match encoding {
                    Encoding::Hex => 'g',
                    Encoding::Base64 | Encoding::Base64Url => '*',
                    Encoding::Text => ' ',
                };
            }
        }
        ProofEdit::Uppercase => return EditedProof::Text(swap_case(enc)),
        ProofEdit::NonAscii => {
            let mid = enc.len() / 2;
            let mut b = enc.as_bytes().to_vec();
            b.splice(mid..mid, "é".bytes());
            return EditedProof::Bytes(b);
        }
        ProofEdit::Empty => chars.clear(),
    }
    EditedProof::Text(chars.into_iter().collect())
}

/// `s` in upper case, or in lower case if it already is upper case.
fn swap_case(s: &str) -> String {
    let upper = s.to_uppercase();
    if upper != s {
        upper
    } else {
        s.to_lowercase()
    }
}

/// Replaces the first `marker` in `d`'s headers, body (also JSON-escaped)
/// and URL with `with`.
fn replace_marker(d: &mut Delivery, marker: &[u8], with: &[u8]) {
    let replace = |v: &mut Vec<u8>| {
        if let Some(pos) = v.windows(marker.len()).position(|w| w == marker) {
            v.splice(pos..pos + marker.len(), with.iter().copied());
        }
    };
    for (_, v) in &mut d.headers {
        replace(v);
    }
    replace(&mut d.body);
    // The envelope escapes \u{1}: look for the JSON-escaped marker too.
    let escaped = b"\\u0001MARK\\u0001";
    if let Some(pos) = d.body.windows(escaped.len()).position(|w| w == escaped) {
        d.body
            .splice(pos..pos + escaped.len(), with.iter().copied());
    }
    if let Some(pos) = d.url.find("%01MARK%01") {
        let text = String::from_utf8_lossy(with).into_owned();
        d.url.replace_range(pos..pos + "%01MARK%01".len(), &text);
    }
}

/// The name and first value of the header that carries the proof, if the
/// scheme carries it in a header.
fn proof_header(s: &Scheme, d: &Delivery) -> Option<(String, Vec<u8>)> {
    let name = match s.carrier {
        Carrier::Header { name, .. }
        | Carrier::TimestampedHeader { name, .. }
        | Carrier::VersionedList { name, .. } => name,
        Carrier::QueryOrHeader { header, .. } => header,
        Carrier::BodyEnvelope { .. } => return None,
    };
    d.header_values(name)
        .next()
        .map(|v| (name.to_owned(), v.to_vec()))
}

/// `d` without its proof: the proof header removed, or the signature
/// member dropped from the envelope.
fn drop_proof(s: &Scheme, mut d: Delivery) -> Delivery {
    match s.carrier {
        Carrier::Header { name, .. }
        | Carrier::TimestampedHeader { name, .. }
        | Carrier::VersionedList { name, .. } => d.remove_header(name),
        Carrier::QueryOrHeader { header, .. } => d.remove_header(header),
        Carrier::BodyEnvelope {
            event_field,
            signature_field,
        } => {
            // Rebuild the body without the signature member.
            if let Ok(serde_json::Value::Object(mut m)) =
                serde_json::from_slice::<serde_json::Value>(&d.body)
            {
                m.remove(signature_field);
                if let Some(ev) = m.remove(event_field) {
                    d.body = format!("{{\"{event_field}\":{ev}}}").into_bytes();
                }
            }
        }
    }
    d
}

/// `body` with `edit` applied.
fn edit_body(body: &[u8], edit: BodyEdit) -> Vec<u8> {
    let mut b = body.to_vec();
    match edit {
        BodyEdit::FlipByte => {
            // Change the last lowercase letter inside the JSON text.
            if let Some(pos) = b.iter().rposition(u8::is_ascii_lowercase) {
                if let Some(c) = b.get_mut(pos) {
                    *c = if *c == b'z' { b'y' } else { *c + 1 };
                }
            }
        }
        BodyEdit::AppendByte => b.push(b'\n'),
        BodyEdit::TruncateByte => {
            b.pop();
        }
        BodyEdit::Whitespace => {
            if let Some(pos) = b.iter().position(|c| *c == b':') {
                b.insert(pos + 1, b' ');
            }
        }
        BodyEdit::KeyOrder => {
            if let Ok(serde_json::Value::Object(m)) = serde_json::from_slice(body) {
                let sorted: Vec<_> = m.into_iter().collect();
                let render = |entries: &[(String, serde_json::Value)]| {
                    let parts: Vec<String> = entries
                        .iter()
                        .map(|(k, v)| format!("{}:{v}", serde_json::Value::String(k.clone())))
                        .collect();
                    format!("{{{}}}", parts.join(",")).into_bytes()
                };
                // The members in another order than sent: the first two
                // swapped (in key order), or, when that happens to be the
                // order sent, reversed, or in key order.
                let mut swapped = sorted.clone();
                if swapped.len() >= 2 {
                    swapped.swap(0, 1);
                }
                let mut reversed = sorted.clone();
                reversed.reverse();
                b = [render(&swapped), render(&reversed), render(&sorted)]
                    .into_iter()
                    .find(|c| c.as_slice() != body)
                    .unwrap_or(b);
            }
        }
    }
    b
}

/// `url` with `edit` applied.
fn edit_url(url: &str, edit: UrlEdit) -> Result<String, Error> {
    let mut u = url::Url::parse(url).map_err(|source| Error::InvalidUrl {
        what: "the receiver's URL",
        source,
    })?;
    match edit {
        UrlEdit::Path => {
            let p = format!("{}-other", u.path().trim_end_matches('/'));
            u.set_path(&p);
        }
        UrlEdit::Query => {
            u.query_pairs_mut().append_pair("extra", "1");
        }
        UrlEdit::Host => {
            let other = if u.host_str() == Some("attacker.invalid") {
                "other.invalid"
            } else {
                "attacker.invalid"
            };
            u.set_host(Some(other))
                .map_err(|source| Error::InvalidUrl {
                    what: "the receiver's URL with another host",
                    source,
                })?;
        }
        UrlEdit::Port => {
            let port = u.port_or_known_default().unwrap_or(80);
            u.set_port(Some(if port == 65535 { 1 } else { port + 1 }))
                .map_err(|()| Error::UrlWithoutHost {
                    what: "the receiver's URL",
                })?;
        }
    }
    Ok(u.to_string())
}

/// One entry of a signature list as [`BuildContext::list`] writes it.
enum Entry {
    /// `<version><separator><value>`.
    Proof(String, String),
    /// Written as is (a malformed entry, or nothing: a doubled separator).
    Raw(String),
}

impl BuildContext<'_> {
    /// A delivery of `p` whose proof header is the list `edit` describes.
    fn list(&self, p: &Payload, edit: ListEdit) -> Result<Delivery, Error> {
        use ListEdit as L;
        let s = self.scheme;
        let valid = self.encoded(self.key, p)?;
        let wrong =
            |i: u8| -> Result<String, Error> { self.encoded(&other_key(self.wrong_key, i), p) };
        let version = match s.carrier {
            Carrier::VersionedList { accept, .. } => accept.first().copied().unwrap_or_default(),
            Carrier::TimestampedHeader { sig_key, .. } => sig_key,
            _ => "",
        };
        let proof = |v: &str, value: &str| Entry::Proof(v.to_owned(), value.to_owned());
        let ok = proof(version, &valid);
        let entries = match edit {
            L::WrongBeforeValid => vec![proof(version, &wrong(0)?), ok],
            L::WrongAfterValid => vec![ok, proof(version, &wrong(0)?)],
            L::RotatedSecrets => vec![proof(version, &wrong(1)?), proof(version, &wrong(2)?), ok],
            L::EightCharacters => vec![proof(version, valid.get(..8).unwrap_or(&valid))],
            L::OtherVersionOnly => vec![proof(&s.carrier.uncounted_version(), &valid)],
            L::MalformedNoSeparator => vec![Entry::Raw(format!("{version}{}", wrong(0)?)), ok],
            L::MalformedDoubleSeparator => {
                vec![proof(version, &wrong(0)?), Entry::Raw(String::new()), ok]
            }
            L::MalformedEncoding => {
                let bad = match s.encoding {
                    Encoding::Hex => "zz".repeat(valid.len() / 2),
                    _ => format!("{}=!", valid.get(..valid.len() / 2).unwrap_or_default()),
                };
                vec![proof(version, &bad), ok]
            }
        };
        let mut d = sign::place_proof(s, p, &valid)?;
        if let Some((name, value)) = list_header(s, p.timestamp, &entries) {
            d.set_header(name, value);
        }
        Ok(d)
    }
}

/// The proof header of a list scheme with `entries`, or `None` for a
/// scheme whose proof is no list.
fn list_header(s: &Scheme, timestamp: i64, entries: &[Entry]) -> Option<(&'static str, String)> {
    let write = |sep: &str, e: &Entry| match e {
        Entry::Proof(v, value) => format!("{v}{sep}{value}"),
        Entry::Raw(text) => text.clone(),
    };
    match s.carrier {
        Carrier::VersionedList {
            name,
            list_separator,
            version_separator,
            ..
        } => {
            let items: Vec<String> = entries
                .iter()
                .map(|e| write(version_separator, e))
                .collect();
            Some((name, items.join(list_separator)))
        }
        Carrier::TimestampedHeader {
            name,
            ts_key,
            pair_separator,
            key_separator,
            ..
        } => {
            let mut items = vec![format!("{ts_key}{key_separator}{timestamp}")];
            items.extend(entries.iter().map(|e| write(key_separator, e)));
            Some((name, items.join(pair_separator)))
        }
        _ => None,
    }
}

/// A key the receiver does not trust, the `i`-th of its kind: for a
/// shared secret, `wrong` with `i` appended (so every one differs); for a
/// key pair, `wrong` itself.
fn other_key(wrong: &SigningKey, i: u8) -> SigningKey {
    match wrong {
        SigningKey::Secret(bytes) => {
            let mut b = bytes.clone();
            b.push(i);
            SigningKey::Secret(b)
        }
        other => other.clone(),
    }
}
