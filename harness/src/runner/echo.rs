//! The echo handshake's deliveries: a fresh nonce in the body the scheme
//! describes.

use crate::cases::BuildContext;
use crate::delivery::Delivery;
use crate::keys::SigningKey;
use crate::sign;
use crate::Error;

pub(super) fn fresh_nonce() -> String {
    use rand::Rng;
    let n: u128 = rand::thread_rng().gen();
    format!("{n:032x}")
}

pub(super) fn echo_delivery(
    ctx: &BuildContext<'_>,
    key: &SigningKey,
    nonce: &str,
) -> Result<Delivery, Error> {
    let s = ctx.scheme;
    let echo = s.echo.ok_or_else(|| Error::NoEchoHandshake {
        scheme: s.id.to_owned(),
    })?;
    let mut body = serde_json::Map::new();
    set_pointer(&mut body, echo.event_pointer, echo.event_value);
    set_pointer(&mut body, echo.nonce_pointer, nonce);
    let json = serde_json::Value::Object(body).to_string();
    let p = sign::Payload::new(ctx.url, json, ctx.now);
    sign::sign(s, key, &p)
}

pub(super) fn set_pointer(
    obj: &mut serde_json::Map<String, serde_json::Value>,
    pointer: &str,
    value: &str,
) {
    let key = pointer.trim_start_matches('/');
    obj.insert(key.to_owned(), serde_json::Value::String(value.to_owned()));
}
