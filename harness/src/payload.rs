//! Realistic event bodies, each with its own event id, including the
//! bodies naive receivers re-serialize differently.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::scheme::Scheme;

/// A body variation. Each one inserts a probe member at the start of the
/// scheme's sample event (so the event id stays where the scheme's rule
/// looks for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BodyKind {
    /// The sample event as is.
    Plain,
    /// Spaces and newlines between tokens (not `JSON.stringify` form).
    Whitespace,
    /// Non-ASCII text as raw UTF-8.
    NonAscii,
    /// Emoji (4-byte UTF-8, surrogate pairs in JavaScript).
    Emoji,
    /// Raw U+2028 and U+2029 inside a string.
    LineSeparators,
    /// `\/`, `\u003c` and `\u00e9` escapes (not `JSON.stringify` form).
    Escapes,
    /// Escaped CR LF and tab inside a string (`JSON.stringify` form).
    ControlEscapes,
    /// An integer above 2^53 that JavaScript prints back identically.
    BigIntegerJs,
    /// An integer above 2^64 (not `JSON.stringify` form: JS rounds it).
    BigIntegerExact,
    /// `1.0`, `-0` and `1e21` (not `JSON.stringify` form).
    NumberForms,
    /// Empty object and empty array.
    EmptyContainers,
    /// Keys in non-alphabetical order.
    KeyOrder,
    /// A body of about 64 KiB.
    Large64k,
    /// A body of about 1 MiB.
    Large1m,
}

impl BodyKind {
    /// Every kind, in catalogue order.
    pub const ALL: [BodyKind; 14] = [
        BodyKind::Plain,
        BodyKind::Whitespace,
        BodyKind::NonAscii,
        BodyKind::Emoji,
        BodyKind::LineSeparators,
        BodyKind::Escapes,
        BodyKind::ControlEscapes,
        BodyKind::BigIntegerJs,
        BodyKind::BigIntegerExact,
        BodyKind::NumberForms,
        BodyKind::EmptyContainers,
        BodyKind::KeyOrder,
        BodyKind::Large64k,
        BodyKind::Large1m,
    ];

    /// The stable name used in case ids.
    pub fn name(self) -> &'static str {
        match self {
            BodyKind::Plain => "plain",
            BodyKind::Whitespace => "whitespace",
            BodyKind::NonAscii => "non-ascii",
            BodyKind::Emoji => "emoji",
            BodyKind::LineSeparators => "u2028-u2029",
            BodyKind::Escapes => "escaped-characters",
            BodyKind::ControlEscapes => "crlf-in-string",
            BodyKind::BigIntegerJs => "integer-above-2p53",
            BodyKind::BigIntegerExact => "integer-above-2p64",
            BodyKind::NumberForms => "number-forms",
            BodyKind::EmptyContainers => "empty-containers",
            BodyKind::KeyOrder => "key-order",
            BodyKind::Large64k => "body-64kib",
            BodyKind::Large1m => "body-1mib",
        }
    }

    /// Whether the body is its own `JSON.stringify(JSON.parse(body))`, so
    /// that it can be sent by a scheme that signs that form.
    pub fn is_js_canonical(self) -> bool {
        !matches!(
            self,
            BodyKind::Whitespace
                | BodyKind::Escapes
                | BodyKind::BigIntegerExact
                | BodyKind::NumberForms
        )
    }

    /// The member inserted at the start of the event (with its trailing comma).
    fn probe(self) -> String {
        match self {
            BodyKind::Plain => String::new(),
            BodyKind::Whitespace => "\n  \"note\" :  \"spaced out\" ,\n  ".to_owned(),
            BodyKind::NonAscii => "\"note\":\"Grüße aus Köln — ça marche, 日本語\",".to_owned(),
            BodyKind::Emoji => "\"note\":\"shipped 🚀🎉 ok\",".to_owned(),
            BodyKind::LineSeparators => "\"note\":\"a\u{2028}b\u{2029}c\",".to_owned(),
            BodyKind::Escapes => "\"note\":\"a\\/b \\u003cscript\\u003e caf\\u00e9\",".to_owned(),
            BodyKind::ControlEscapes => {
                "\"note\":\"line1\\r\\nline2\\ttab \\\"q\\\" \\\\\",".to_owned()
            }
            BodyKind::BigIntegerJs => "\"amount\":1152921504606847000,".to_owned(),
            BodyKind::BigIntegerExact => "\"amount\":123456789012345678901234567890,".to_owned(),
            BodyKind::NumberForms => "\"a\":1.0,\"b\":-0,\"c\":1e21,\"d\":0.1,".to_owned(),
            BodyKind::EmptyContainers => "\"meta\":{},\"tags\":[],".to_owned(),
            BodyKind::KeyOrder => "\"zeta\":1,\"alpha\":2,\"Mid\":3,\"_x\":4,".to_owned(),
            BodyKind::Large64k => format!("\"blob\":\"{}\",", "x".repeat(64 * 1024)),
            BodyKind::Large1m => format!("\"blob\":\"{}\",", "y".repeat(1024 * 1024)),
        }
    }
}

/// An event ready to be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Its event id.
    pub id: String,
    /// Its event type.
    pub event_type: String,
    /// The JSON bytes.
    pub json: Vec<u8>,
}

/// Makes events with ids unique within a run (and across runs: the ids
/// carry a per-run tag), so that no two deliveries are byte-identical
/// unless a case is about duplicates.
#[derive(Debug)]
pub struct EventFactory {
    tag: String,
    counter: AtomicU64,
}

impl EventFactory {
    /// A factory whose ids start with `tag`.
    pub fn new(tag: impl Into<String>) -> Self {
        EventFactory {
            tag: tag.into(),
            counter: AtomicU64::new(0),
        }
    }

    /// A factory with a random per-run tag.
    pub fn random() -> Self {
        use rand::Rng;
        let tag: u32 = rand::thread_rng().gen();
        EventFactory::new(format!("hs{tag:08x}"))
    }

    /// A fresh id.
    pub fn next_id(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{}_{n:04}", self.tag)
    }

    /// A fresh event of the given kind.
    pub fn event(&self, scheme: &Scheme, kind: BodyKind) -> Event {
        let event_type = scheme.event_types.first().copied().unwrap_or("test.event");
        self.event_with(scheme, kind, event_type, None, 1000)
    }

    /// A fresh event with an explicit type, ordering token and block number.
    pub fn event_with(
        &self,
        scheme: &Scheme,
        kind: BodyKind,
        event_type: &str,
        token: Option<&str>,
        block: u64,
    ) -> Event {
        self.fill(scheme, kind, event_type, self.next_id(), token, block)
    }

    /// An event of `kind` (the scheme's first type) that reuses the id
    /// `id`: another body for an id already delivered.
    pub fn event_with_id(&self, scheme: &Scheme, kind: BodyKind, id: &str) -> Event {
        let event_type = scheme.event_types.first().copied().unwrap_or("test.event");
        self.fill(scheme, kind, event_type, id.to_owned(), None, 1000)
    }

    fn fill(
        &self,
        scheme: &Scheme,
        kind: BodyKind,
        event_type: &str,
        id: String,
        token: Option<&str>,
        block: u64,
    ) -> Event {
        let token = token
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{id}-token"));
        let filled = scheme
            .sample_event
            .replace("@ID@", &id)
            .replace("@TYPE@", event_type)
            .replace("@TOKEN@", &token)
            .replace("@BLOCK@", &block.to_string());
        let json = match filled.strip_prefix('{') {
            Some(rest) => format!("{{{}{rest}", kind.probe()),
            None => filled,
        };
        Event {
            id,
            event_type: event_type.to_owned(),
            json: json.into_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::describe::registry::builtins as schemes;

    #[test]
    fn every_kind_is_valid_json_and_carries_the_id() {
        let f = EventFactory::new("t");
        for scheme in schemes() {
            for kind in BodyKind::ALL {
                let e = f.event(scheme, kind);
                let v: serde_json::Value = serde_json::from_slice(&e.json)
                    .unwrap_or_else(|err| panic!("{} {kind:?}: {err}", scheme.id));
                assert!(
                    String::from_utf8_lossy(&e.json).contains(&e.id),
                    "{} {kind:?}",
                    scheme.id
                );
                assert!(v.is_object());
            }
        }
    }
}
