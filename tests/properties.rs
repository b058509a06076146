//! Property tests: sign/verify round trips and single-bit flips for every
//! scheme, total parsers with Display/parse round trips, and the
//! `JSON.stringify` semantics of `hookspec::jsjson` (against a model here
//! and against Node on a sample).
//!
//! Case counts are small so that the file runs in a few seconds in debug
//! builds; the fuzz targets (`fuzz/`) run the same invariants for longer.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use hookspec::encoding;
use hookspec::fuzzing;
use hookspec::jsjson;
use hookspec::keys::{RoleKeys, SigningKey, Trust};
use hookspec::parse::{self, TimestampedSignature};
use hookspec::scheme::{Carrier, SchemeId};
use hookspec::sign::{self, KeyPlacement, Payload};
use hookspec::verify::{self, Policy};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

fn key(id: SchemeId) -> &'static SigningKey {
    static KEYS: OnceLock<Vec<(SchemeId, SigningKey)>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        SchemeId::builtins()
            .into_iter()
            .map(|id| {
                // The scheme's own signing key: its test secret decoded as
                // it says (`whsec_…`, hex), or its checked-in signing pair.
                let k = RoleKeys::of(id.scheme()).unwrap().signing;
                (id, k)
            })
            .collect()
    });
    &keys.iter().find(|(i, _)| *i == id).unwrap().1
}

fn trust(id: SchemeId) -> Trust {
    key(id).trust()
}

fn scheme_id() -> impl Strategy<Value = SchemeId> {
    proptest::sample::select(SchemeId::builtins().to_vec())
}

/// JSON text of an event: compact, with an id.
fn event() -> impl Strategy<Value = Vec<u8>> {
    ("[a-z0-9_]{1,12}", any::<i32>(), "\\PC{0,24}").prop_map(|(id, n, text)| {
        serde_json::to_vec(
            &serde_json::json!({"id": id, "n": n, "text": text, "data": {"slug": id}}),
        )
        .unwrap()
    })
}

fn url() -> impl Strategy<Value = String> {
    (
        "[a-z]{1,8}",
        1u16..u16::MAX,
        "[a-z/]{0,10}",
        "[a-z0-9=&]{0,10}",
    )
        .prop_map(|(host, port, path, q)| format!("http://{host}.test:{port}/{path}?{q}"))
}

fn signed(id: SchemeId, url: &str, event: &[u8], ts: i64) -> (Payload, hookspec::Delivery) {
    let mut p = Payload::new(url, event, ts);
    p.event_id = Some("dlv_1".into());
    p.key_placement = KeyPlacement::Header;
    let d = sign::sign(id.scheme(), key(id), &p).unwrap();
    (p, d)
}

fn accepts(id: SchemeId, d: &hookspec::Delivery, now: i64) -> bool {
    verify::verify(id.scheme(), &trust(id), d, &Policy::at(now)).is_ok()
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn sign_then_verify_accepts(id in scheme_id(), url in url(), event in event(), ts in 0i64..1 << 40) {
        let (_, d) = signed(id, &url, &event, ts);
        let got = verify::verify(id.scheme(), &trust(id), &d, &Policy::at(ts));
        prop_assert!(got.is_ok(), "{id}: {got:?}");
    }

    #[test]
    fn a_flipped_body_bit_is_rejected(id in scheme_id(), event in event(), bit in any::<usize>()) {
        let scheme = id.scheme();
        prop_assume!(!scheme.message.is_empty());
        let (_, mut d) = signed(id, "http://h.test/hook", &event, 1_700_000_000);
        // For the envelope, flip inside the signed event member.
        let (start, len) = match scheme.carrier {
            Carrier::BodyEnvelope { event_field, .. } => (event_field.len() + 4, event.len()),
            _ => (0, d.body.len()),
        };
        let i = start + (bit / 8) % len;
        d.body[i] ^= 1 << (bit % 8);
        prop_assert!(!accepts(id, &d, 1_700_000_000), "{id}: flipped bit {bit}");
    }

    #[test]
    fn a_flipped_signature_bit_is_rejected(id in scheme_id(), event in event(), bit in any::<usize>()) {
        let scheme = id.scheme();
        let (p, _) = signed(id, "http://h.test/hook", &event, 1_700_000_000);
        let message = sign::signed_message(scheme, "1700000000", &p.url, &p.event);
        let mut raw = sign::proof(scheme, key(id), &message).unwrap();
        let i = (bit / 8) % raw.len();
        raw[i] ^= 1 << (bit % 8);
        let encoded = sign::encode_proof(scheme, &raw);
        prop_assume!(scheme.encoding != hookspec::scheme::Encoding::Text || std::str::from_utf8(&raw).is_ok());
        let d = sign::place_proof(scheme, &p, &encoded).unwrap();
        prop_assert!(!accepts(id, &d, 1_700_000_000), "{id}: flipped bit {bit}");
    }

    #[test]
    fn a_flipped_timestamp_or_url_bit_is_rejected(event in event(), url in url(), bit in 0u32..63, ubit in any::<usize>()) {
        let id = "blink-signature".parse::<SchemeId>().unwrap();
        let scheme = id.scheme();
        let ts = 1_700_000_000i64;
        let (p, d) = signed(id, &url, &event, ts);
        let message = sign::signed_message(scheme, &ts.to_string(), &url, &event);
        let encoded = sign::encode_proof(scheme, &sign::proof(scheme, key(id), &message).unwrap());
        let mut p2 = p.clone();
        p2.timestamp = ts ^ (1 << bit);
        let moved = sign::place_proof(scheme, &p2, &encoded).unwrap();
        // Rejected even by a receiver whose clock agrees with the new value.
        prop_assert!(!accepts(id, &moved, p2.timestamp));
        let mut other = d.clone();
        let mut bytes = other.url.clone().into_bytes();
        let i = (ubit / 8) % bytes.len();
        bytes[i] ^= 1 << (ubit % 7);
        other.url = String::from_utf8(bytes).unwrap();
        prop_assert!(!accepts(id, &other, ts));
    }

    #[test]
    fn differential_target_holds(id in scheme_id(), url in url(), event in event(), ts in 0i64..1 << 40,
                                 part in 0u8..4, bit in any::<u16>(), alt in any::<bool>()) {
        fuzzing::sign_verify(&fuzzing::encode_sign_input(
            id, alt, KeyPlacement::Header, ts, &url, "dlv", &event, (part, bit, 0)));
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn header_parsers_are_total(data in proptest::collection::vec(any::<u8>(), 0..96)) {
        fuzzing::parse_prefixed(&data);
        fuzzing::parse_timestamped(&data);
        fuzzing::decode_hex(&data);
        fuzzing::decode_base64(&data);
        fuzzing::static_token(&data);
        fuzzing::js_stringify(&data);
    }

    #[test]
    fn header_like_inputs_are_total(data in "[ \\t;=a-f0-9A-Fts1+.e-]{0,48}") {
        fuzzing::parse_prefixed(data.as_bytes());
        fuzzing::parse_timestamped(data.as_bytes());
        fuzzing::decode_hex(data.as_bytes());
    }

    /// The verifier's fast paths (exact `sha256=<64 hex>` and
    /// `ts=<digits>;sig1=<64 hex>`) agree with the general parsers: the
    /// fuzz functions assert it. Inputs are near-canonical headers with one
    /// random edit, so both the fast path and its fallbacks are exercised.
    #[test]
    fn fast_paths_agree_with_general_parsers(
        ts in prop_oneof![Just(0u64), 1u64..10_000_000_000_000_000_000],
        tag in proptest::collection::vec(any::<u8>(), 32),
        upper in any::<bool>(),
        edit in proptest::option::of((any::<usize>(), any::<u8>())),
    ) {
        let mut hex = hex::encode(tag);
        if upper {
            hex.make_ascii_uppercase();
        }
        for header in [format!("ts={ts};sig1={hex}"), format!("t={ts};v1={hex}"), format!("sha256={hex}"), hex.clone()] {
            let mut bytes = header.into_bytes();
            if let Some((at, byte)) = edit {
                let at = at % bytes.len();
                bytes[at] = byte;
            }
            fuzzing::parse_prefixed(&bytes);
            fuzzing::parse_timestamped(&bytes);
        }
    }

    /// `encoding::decode_base64_32` accepts exactly the 44-character
    /// inputs the `base64` engine decodes to 32 bytes, with the same bytes
    /// (the fuzz function asserts it): canonical tags, and near misses —
    /// one character replaced (by `=`, `-`, `_`, a space, a non-ASCII or
    /// any byte), the last character made non-canonical, 43 or 45
    /// characters, doubled padding.
    #[test]
    fn base64_tag_fast_path_agrees_with_the_engine(
        tag in proptest::collection::vec(any::<u8>(), 32),
        edit in proptest::option::of((any::<usize>(), prop_oneof![
            Just(b'='), Just(b'-'), Just(b'_'), Just(b' '), Just(0xc3u8), Just(b'+'), Just(b'/'), any::<u8>(),
        ])),
        low_bits in 0u8..4,
        shape in 0usize..6,
    ) {
        let canonical = encoding::encode_base64(&tag).into_bytes();
        prop_assert_eq!(canonical.len(), 44);
        let mut b = canonical.clone();
        if let Some((at, byte)) = edit {
            b[at % 44] = byte;
        }
        match shape {
            // The last character with other trailing bits (non-canonical
            // unless `low_bits` is 0).
            0 => {
                const ALPHABET: &[u8; 64] =
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
                let at = ALPHABET.iter().position(|c| *c == canonical[42]).unwrap();
                b[42] = ALPHABET[(at & !3) | usize::from(low_bits)];
            }
            1 => { b.pop(); }
            2 => b.push(b'='),
            3 => { b[42] = b'='; }
            _ => {}
        }
        fuzzing::decode_base64(&b);
        if let Ok(fixed) = <&[u8; 44]>::try_from(&b[..]) {
            let general = encoding::decode_base64(&b).ok().filter(|v| v.len() == 32);
            prop_assert_eq!(encoding::decode_base64_32(fixed).map(|t| t.to_vec()), general);
        }
        if b == canonical {
            prop_assert_eq!(encoding::decode_base64_32(b[..].try_into().unwrap()), Some(<[u8; 32]>::try_from(tag).unwrap()));
        }
    }

    /// The versioned-list parser (byte-wise now) agrees with the `str`
    /// version it replaced, errors included, and the verifier's
    /// one-entry fast path with the general parser (the fuzz function
    /// asserts both): lists of one to three entries of known and unknown
    /// versions, hex or base64 proofs with an optional edit, separators
    /// doubled, blanks around, the separators of several syntaxes.
    #[test]
    fn versioned_list_fast_path_agrees_with_the_general_parser(
        entries in proptest::collection::vec((
            prop_oneof![Just("v1"), Just("v2"), Just("v1a"), Just(""), Just("V1"), Just("v 1")],
            prop_oneof![Just(","), Just(" "), Just("="), Just(",,"), Just("\t")],
            proptest::collection::vec(any::<u8>(), 32),
            any::<bool>(),
        ), 1..4),
        list in prop_oneof![Just(" "), Just(","), Just("  "), Just(";"), Just("+")],
        around in prop_oneof![Just(""), Just(" "), Just("\t")],
        edit in proptest::option::of((any::<usize>(), any::<u8>())),
    ) {
        let items: Vec<String> = entries
            .iter()
            .map(|(version, sep, tag, hex)| {
                let proof = if *hex { encoding::encode_hex(tag) } else { encoding::encode_base64(tag) };
                format!("{version}{sep}{proof}")
            })
            .collect();
        let mut b = format!("{around}{}{around}", items.join(list)).into_bytes();
        if let Some((at, byte)) = edit {
            let at = at % b.len();
            b[at] = byte;
        }
        fuzzing::parse_versioned(&b);
    }

    /// The timestamp fast path (1 to 18 digits, no leading zero) agrees
    /// with `canonical_timestamp` on digit strings and near misses.
    #[test]
    fn timestamp_fast_path_agrees(text in "[0-9]{0,20}|0[0-9]{0,3}|[0-9+ a-]{0,12}|9{17,20}") {
        fuzzing::parse_timestamped(text.as_bytes());
    }

    /// `Delivery::header` (one pass, lengths compared first) says what the
    /// list of matching fields says, in any spelling of the names.
    #[test]
    fn header_lookup_agrees_with_the_field_list(
        names in proptest::collection::vec(prop_oneof![
            Just("webhook-id"), Just("Webhook-Id"), Just("webhook-timestamp"), Just("WEBHOOK-SIGNATURE"),
            Just("webhook-signature"), Just("content-type"), Just("webhook-idx"), Just("x"),
        ], 0..6),
        wanted in prop_oneof![Just("webhook-id"), Just("webhook-signature"), Just("Webhook-Timestamp"), Just("X")],
    ) {
        let mut d = hookspec::Delivery::post("http://h/", "x");
        for (i, n) in names.iter().enumerate() {
            d.push_header(n, i.to_string());
        }
        let values: Vec<&[u8]> = d.header_values(wanted).collect();
        let expected = match values.as_slice() {
            [] => hookspec::delivery::HeaderLookup::Absent,
            [one] => hookspec::delivery::HeaderLookup::One(one),
            _ => hookspec::delivery::HeaderLookup::Repeated,
        };
        prop_assert_eq!(d.header(wanted), expected);
        // The one-pass lookup the verifier uses finds the same, for each
        // of several names at once.
        let several = ["webhook-id", "webhook-signature", "Webhook-Timestamp", "X"];
        let found = d.find_headers(&several);
        for (name, got) in several.iter().zip(found) {
            prop_assert_eq!(got, d.header(name), "{}", name);
        }
    }

    /// The verifier's lane for the common shape (an HMAC tag in one
    /// header, a header timestamp, a template) decides every delivery as
    /// the general path does: signed ones, near the window's edges, and
    /// with one header or the body edited, removed, repeated, renamed or
    /// respelled.
    #[test]
    fn the_verifiers_lane_agrees_with_its_general_path(
        id in scheme_id(), event in event(), ts in 1i64..1 << 40, skew in -400i64..400,
        edit in 0u8..9, at in any::<usize>(), bit in 0u8..8, text in "[ -~]{0,60}",
    ) {
        let scheme = id.scheme();
        let (_, mut d) = signed(id, "http://h.test/hook", &event, ts);
        let n = d.headers.len();
        let i = at % n.max(1);
        match edit {
            1 => if let Some((_, v)) = d.headers.get_mut(i) {
                if !v.is_empty() {
                    let j = at % v.len();
                    v[j] ^= 1 << bit;
                }
            },
            2 if i < n => { d.headers.remove(i); }
            3 => if let Some(h) = d.headers.get(i).cloned() { d.headers.push(h); },
            4 => if let Some((name, _)) = d.headers.get_mut(i) { *name = name.to_ascii_uppercase(); },
            5 => if let Some((_, v)) = d.headers.get_mut(i) { v.insert(0, b'0'); },
            6 => if let Some((_, v)) = d.headers.get_mut(i) {
                // A second entry: the same value again, after a space.
                let copy = v.clone();
                v.push(b' ');
                v.extend_from_slice(&copy);
            },
            7 if !d.body.is_empty() => { let j = at % d.body.len(); d.body[j] ^= 1 << bit; }
            8 => if let Some((_, v)) = d.headers.get_mut(i) { *v = text.into_bytes(); },
            _ => {}
        }
        let policy = Policy::at(ts + skew);
        let lane = verify::authenticate(scheme, &trust(id), &d, &policy);
        let general = verify::authenticate_general(scheme, &trust(id), &d, &policy);
        prop_assert_eq!(&lane, &general, "{}: edit {} at {}", id, edit, at);
        if edit == 0 && skew.abs() <= 300 {
            prop_assert!(lane.is_ok(), "{}: {:?}", id, lane);
        }
    }

    #[test]
    fn verify_is_total_on_any_request(data in proptest::collection::vec(any::<u8>(), 0..256)) {
        fuzzing::verify_delivery(&data);
        fuzzing::body_envelope(&data);
    }

    #[test]
    fn timestamped_display_parse_round_trips(ts in 0i64..=i64::MAX, sig in proptest::collection::vec(any::<u8>(), 1..64)) {
        let kv = parse::KvList { ts_key: "ts", sig_key: "sig1", pair: b';', kv: b'=' };
        let t = TimestampedSignature { timestamp: ts, signature: sig };
        let text = t.to_header(&kv);
        prop_assert_eq!(parse::timestamped(text.as_bytes(), &kv), Ok(t.clone()));
        prop_assert_eq!(parse::canonical_timestamp(&ts.to_string()), Ok(ts));
        // Reordered, spaced, with an unknown parameter: the same value.
        let spaced = format!(" v=2 ; sig1 = {} ;ts={ts} ", encoding::encode_hex(&t.signature).to_uppercase());
        prop_assert_eq!(parse::timestamped(spaced.as_bytes(), &kv), Ok(t));
    }

    #[test]
    fn encodings_round_trip(bytes in proptest::collection::vec(any::<u8>(), 1..512)) {
        let hex = encoding::encode_hex(&bytes);
        prop_assert_eq!(encoding::decode_hex(hex.as_bytes()), Ok(bytes.clone()));
        prop_assert_eq!(encoding::decode_hex(hex.to_uppercase().as_bytes()), Ok(bytes.clone()));
        let b64 = encoding::encode_base64(&bytes);
        prop_assert_eq!(encoding::decode_base64(b64.as_bytes()), Ok(bytes.clone()));
        let unpadded = b64.trim_end_matches('=');
        if unpadded.len() != b64.len() {
            prop_assert!(encoding::decode_base64(unpadded.as_bytes()).is_err());
        }
    }
}

// ---------------------------------------------------------------------------
// jsjson: generated values, spelled in many ways, against a model of
// JSON.parse + JSON.stringify.

/// A generated JSON value with the text `JSON.stringify` must produce.
#[derive(Debug, Clone)]
enum Gen {
    Lit(&'static str),
    /// An integer within ±2^53 and how to spell it.
    Int(i64, u8),
    /// A number spelling and its `Number::toString`.
    Num(&'static str, &'static str),
    Str(Vec<Unit>),
    Arr(Vec<Gen>),
    Obj(Vec<(Vec<Unit>, Gen)>),
}

/// One UTF-16 unit of a generated string, or a whole character.
#[derive(Debug, Clone, Copy)]
enum Unit {
    Char(char, u8),
    Lone(u16),
}

const NUMS: [(&str, &str); 12] = [
    ("1.0", "1"),
    ("-0", "0"),
    ("-0.0", "0"),
    ("1e21", "1e+21"),
    ("1E21", "1e+21"),
    ("0.5", "0.5"),
    ("1e-7", "1e-7"),
    ("0.000001", "0.000001"),
    ("9007199254740993", "9007199254740992"),
    ("1e400", "null"),
    ("123e-2", "1.23"),
    ("100000000000000000000", "100000000000000000000"),
];

const KEYS: [&str; 10] = [
    "a",
    "b",
    "id",
    "0",
    "1",
    "10",
    "01",
    "4294967294",
    "4294967295",
    "-1",
];

fn unit() -> impl Strategy<Value = Unit> {
    prop_oneof![
        6 => (any::<char>(), any::<u8>()).prop_map(|(c, s)| Unit::Char(c, s)),
        2 => (proptest::sample::select(vec!['"', '\\', '/', '\u{8}', '\u{c}', '\n', '\r', '\t', '\u{0}', '\u{1f}', '\u{7f}', '\u{2028}', '\u{2029}', 'é', '🎓']), any::<u8>())
            .prop_map(|(c, s)| Unit::Char(c, s)),
        1 => (0xd800u16..0xe000).prop_map(Unit::Lone),
    ]
}

fn js_string() -> impl Strategy<Value = Vec<Unit>> {
    proptest::collection::vec(unit(), 0..6)
}

fn key_string() -> impl Strategy<Value = Vec<Unit>> {
    prop_oneof![
        3 => proptest::sample::select(KEYS.to_vec()).prop_map(|k| k.chars().map(|c| Unit::Char(c, 0)).collect()),
        1 => js_string(),
    ]
}

fn gen_value() -> impl Strategy<Value = Gen> {
    let leaf = prop_oneof![
        proptest::sample::select(vec!["true", "false", "null"]).prop_map(Gen::Lit),
        (-(1i64 << 53)..(1i64 << 53), any::<u8>()).prop_map(|(n, s)| Gen::Int(n, s)),
        proptest::sample::select(NUMS.to_vec()).prop_map(|(a, b)| Gen::Num(a, b)),
        js_string().prop_map(Gen::Str),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Gen::Arr),
            proptest::collection::vec((key_string(), inner), 0..6).prop_map(Gen::Obj),
        ]
    })
}

fn units(s: &[Unit]) -> Vec<u16> {
    let mut out = Vec::new();
    for u in s {
        match u {
            Unit::Char(c, _) => out.extend(c.encode_utf16(&mut [0; 2]).iter()),
            Unit::Lone(u) => out.push(*u),
        }
    }
    out
}

/// Spells a string in JSON source: raw where allowed, else (or when the
/// style byte says so) escaped.
fn spell_string(s: &[Unit], out: &mut String) {
    out.push('"');
    for u in s {
        match *u {
            Unit::Char(c, style) => {
                let short = match c {
                    '"' => Some("\\\""),
                    '\\' => Some("\\\\"),
                    '/' if style % 2 == 0 => Some("\\/"),
                    '\u{8}' => Some("\\b"),
                    '\u{c}' => Some("\\f"),
                    '\n' => Some("\\n"),
                    '\r' => Some("\\r"),
                    '\t' => Some("\\t"),
                    _ => None,
                };
                if let Some(e) =
                    short.filter(|_| style % 3 != 0 || (c as u32) < 0x20 || c == '"' || c == '\\')
                {
                    out.push_str(e);
                } else if (c as u32) < 0x20 || style % 5 == 0 {
                    for unit in c.encode_utf16(&mut [0; 2]).iter() {
                        if style % 2 == 0 {
                            out.push_str(&format!("\\u{unit:04x}"));
                        } else {
                            out.push_str(&format!("\\u{unit:04X}"));
                        }
                    }
                } else {
                    out.push(c);
                }
            }
            Unit::Lone(u) => out.push_str(&format!("\\u{u:04X}")),
        }
    }
    out.push('"');
}

/// The model of `QuoteJSONString` over UTF-16 units.
fn quote(units: &[u16]) -> String {
    let mut out = String::from("\"");
    for r in char::decode_utf16(units.iter().copied()) {
        match r {
            Ok('"') => out.push_str("\\\""),
            Ok('\\') => out.push_str("\\\\"),
            Ok('\u{8}') => out.push_str("\\b"),
            Ok('\u{c}') => out.push_str("\\f"),
            Ok('\n') => out.push_str("\\n"),
            Ok('\r') => out.push_str("\\r"),
            Ok('\t') => out.push_str("\\t"),
            Ok(c) if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            Ok(c) => out.push(c),
            Err(e) => out.push_str(&format!("\\u{:04x}", e.unpaired_surrogate())),
        }
    }
    out.push('"');
    out
}

fn ws(style: usize) -> &'static str {
    ["", " ", "\n", "\t", "\r\n  ", ""][style % 6]
}

/// Returns (source text, expected JSON.stringify output).
fn render(v: &Gen, depth: usize) -> (String, String) {
    match v {
        Gen::Lit(l) => (l.to_string(), l.to_string()),
        Gen::Int(n, style) => {
            let text = match style % 4 {
                0 => n.to_string(),
                1 => format!("{n}.0"),
                2 => format!("{n}E0"),
                _ => format!("{n}0e-1"),
            };
            let expected = if *n == 0 {
                "0".to_string()
            } else {
                n.to_string()
            };
            (text, expected)
        }
        Gen::Num(a, b) => (a.to_string(), b.to_string()),
        Gen::Str(s) => {
            let mut t = String::new();
            spell_string(s, &mut t);
            (t, quote(&units(s)))
        }
        Gen::Arr(items) => {
            let mut t = format!("[{}", ws(depth));
            let mut e = String::from("[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    t.push_str(&format!("{},{}", ws(depth + i), ws(depth + 1)));
                    e.push(',');
                }
                let (ti, ei) = render(item, depth + 1);
                t.push_str(&ti);
                e.push_str(&ei);
            }
            t.push_str(&format!("{}]", ws(depth + 2)));
            e.push(']');
            (t, e)
        }
        Gen::Obj(members) => {
            let mut t = format!("{{{}", ws(depth + 1));
            // Model: last value wins at the first position; array indices first.
            let mut model: Vec<(Vec<u16>, String)> = Vec::new();
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    t.push_str(&format!(",{}", ws(depth + i)));
                }
                spell_string(k, &mut t);
                t.push_str(&format!("{}:{}", ws(depth + i + 1), ws(depth)));
                let (tv, ev) = render(v, depth + 1);
                t.push_str(&tv);
                let ku = units(k);
                match model.iter_mut().find(|(mk, _)| *mk == ku) {
                    Some(slot) => slot.1 = ev,
                    None => model.push((ku, ev)),
                }
            }
            t.push_str(&format!("{}}}", ws(depth + 3)));
            let index = |k: &[u16]| -> Option<u64> {
                let s = String::from_utf16(k).ok()?;
                let n: u64 = s.parse().ok()?;
                (n.to_string() == s && n < u64::from(u32::MAX)).then_some(n)
            };
            let mut idx: Vec<_> = model
                .iter()
                .filter_map(|(k, v)| index(k).map(|n| (n, k, v)))
                .collect();
            idx.sort_by_key(|(n, _, _)| *n);
            let mut e = String::from("{");
            let ordered = idx.into_iter().map(|(_, k, v)| (k, v)).chain(
                model
                    .iter()
                    .filter(|(k, _)| index(k).is_none())
                    .map(|(k, v)| (k, v)),
            );
            for (i, (k, v)) in ordered.enumerate() {
                if i > 0 {
                    e.push(',');
                }
                e.push_str(&quote(k));
                e.push(':');
                e.push_str(v);
            }
            e.push('}');
            (t, e)
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn jsjson_matches_the_model(v in gen_value()) {
        let (text, expected) = render(&v, 0);
        let got = jsjson::stringify(text.as_bytes());
        prop_assert_eq!(got.as_deref(), Ok(expected.as_str()), "source: {}", text);
        // Idempotent, and the output is canonical.
        let again = jsjson::stringify(expected.as_bytes());
        prop_assert_eq!(again.as_deref(), Ok(expected.as_str()));
        prop_assert!(jsjson::is_canonical(expected.as_bytes()));
        prop_assert_eq!(jsjson::is_canonical(text.as_bytes()), text == expected);
    }

    #[test]
    fn jsjson_is_idempotent_on_any_serde_json_value(text in "[\\[\\]{}\",:0-9a-z .eE+\\-\\\\u]{0,40}") {
        if let Ok(out) = jsjson::stringify(text.as_bytes()) {
            prop_assert_eq!(jsjson::stringify(out.as_bytes()), Ok(out));
        }
        fuzzing::js_stringify(text.as_bytes());
    }
}

fn node_path() -> &'static str {
    let ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "`node` is required for the JSON.stringify cross-check and was not found on PATH \
         (install Node.js, e.g. `apt-get install nodejs`)"
    );
    "node"
}

/// Runs `JSON.stringify(JSON.parse(t))` in Node for every text.
fn node_stringify(texts: &[String]) -> Vec<Option<String>> {
    let script = r#"
        let input = '';
        process.stdin.on('data', d => input += d);
        process.stdin.on('end', () => {
            const out = JSON.parse(input).map(t => {
                try { return JSON.stringify(JSON.parse(t)); } catch (e) { return null; }
            });
            process.stdout.write(JSON.stringify(out));
        });
    "#;
    let mut child = Command::new(node_path())
        .arg("-e")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node starts");
    let input = serde_json::to_vec(texts).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn jsjson_agrees_with_node_on_a_sample() {
    let mut runner = TestRunner::new(Config {
        rng_seed: proptest::test_runner::RngSeed::Fixed(6),
        ..Config::default()
    });
    let strategy = gen_value();
    let mut texts: Vec<String> = (0..300)
        .map(|_| render(&strategy.new_tree(&mut runner).unwrap().current(), 0).0)
        .collect();
    // Hand-picked edge cases, including texts both must refuse.
    for t in [
        "1.0", "-0", "1e21", "1e-7", "5e-324", "1.7976931348623157e308", "1e309", "0.1", "123456789012345678901234567890",
        "[0.30000000000000004, 2.5e-8, 1.5e300, 4.35, 0.000001, 1e-6, 123e18, 123e19, 1234567890123456789e2]",
        r#"{"b":1,"a":2,"b":3,"2":4,"1":5,"01":6}"#, r#""\ud800\u2028\/\u0000""#, "{\"a\":1,}", "01", "\u{feff}1", "[1]]",
        " \t\n\r[ ] ", "\"\u{7f}\u{80}\u{ffff}\"",
    ] {
        texts.push(t.to_string());
    }
    let theirs = node_stringify(&texts);
    let mut mismatches = Vec::new();
    for (text, theirs) in texts.iter().zip(theirs) {
        let ours = jsjson::stringify(text.as_bytes()).ok();
        if ours != theirs {
            mismatches.push(format!("{text:?}: ours {ours:?}, node {theirs:?}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} differ:\n{}",
        mismatches.len(),
        texts.len(),
        mismatches.join("\n")
    );
}

#[test]
fn jsjson_canonicalizes_the_json_stringify_schemes_sample_events() {
    for id in [
        "smartasset".parse::<SchemeId>().unwrap(),
        "cometh".parse::<SchemeId>().unwrap(),
    ] {
        let scheme = id.scheme();
        assert!(scheme.canonical_json);
        let event = scheme
            .sample_event
            .replace("@ID@", "evt_1")
            .replace("@TYPE@", scheme.event_types[0])
            .replace("@TOKEN@", "7")
            .replace("@BLOCK@", "12");
        assert!(jsjson::is_canonical(event.as_bytes()), "{id}: {event}");
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// A message hashed in pieces (`sign::hmac_sha256_parts` gathers the
    /// short leading pieces into whole blocks on the stack) has the HMAC of
    /// the pieces' concatenation, computed here by the `hmac` crate alone:
    /// for any sizes, across the gathering bound and the block size.
    #[test]
    fn hmac_of_pieces_is_hmac_of_their_concatenation(
        key in proptest::collection::vec(any::<u8>(), 0..80),
        parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 0..7),
    ) {
        use hmac::{Hmac, Mac};
        let pieces: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
        mac.update(&parts.concat());
        let expected: [u8; 32] = mac.finalize().into_bytes().into();
        prop_assert_eq!(sign::hmac_sha256_parts(&key, &pieces), expected);
    }
}
