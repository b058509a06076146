// The built-in scheme files, and the files they name, compiled into the
// library (`include!`d by `harness/src/describe/registry.rs`). This list is
// the only place outside the scheme files themselves that names a built-in
// scheme: adding a built-in is adding its file here.

/// The built-in scheme files, `(path from the repository root, text)`, in
/// documentation order.
pub const BUILTIN_SCHEMES: &[(&str, &str)] = &[
    ("schemes/blockmark.toml", include_str!("blockmark.toml")),
    ("schemes/certifylize.toml", include_str!("certifylize.toml")),
    ("schemes/blink-apikey.toml", include_str!("blink-apikey.toml")),
    ("schemes/blink-signature.toml", include_str!("blink-signature.toml")),
    ("schemes/smartasset.toml", include_str!("smartasset.toml")),
    ("schemes/cometh.toml", include_str!("cometh.toml")),
    ("schemes/standard-webhooks.toml", include_str!("standard-webhooks.toml")),
    ("schemes/svix.toml", include_str!("svix.toml")),
    ("schemes/stripe.toml", include_str!("stripe.toml")),
    ("schemes/github.toml", include_str!("github.toml")),
    ("schemes/slack.toml", include_str!("slack.toml")),
    ("schemes/shopify.toml", include_str!("shopify.toml")),
    ("schemes/discord.toml", include_str!("discord.toml")),
];

/// The files the built-in scheme files name (test keys, tcId ledgers), by
/// path from the repository root.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    (
        "vectors/keys/cometh-1.pem",
        include_str!("../vectors/keys/cometh-1.pem"),
    ),
    (
        "vectors/keys/cometh-1.pub.pem",
        include_str!("../vectors/keys/cometh-1.pub.pem"),
    ),
    (
        "vectors/keys/cometh-2.pem",
        include_str!("../vectors/keys/cometh-2.pem"),
    ),
    (
        "vectors/keys/cometh-2.pub.pem",
        include_str!("../vectors/keys/cometh-2.pub.pem"),
    ),
    (
        "vectors/keys/smartasset-1.pem",
        include_str!("../vectors/keys/smartasset-1.pem"),
    ),
    (
        "vectors/keys/smartasset-1.pub.pem",
        include_str!("../vectors/keys/smartasset-1.pub.pem"),
    ),
    (
        "vectors/keys/smartasset-2.pem",
        include_str!("../vectors/keys/smartasset-2.pem"),
    ),
    (
        "vectors/keys/smartasset-2.pub.pem",
        include_str!("../vectors/keys/smartasset-2.pub.pem"),
    ),
    (
        "vectors/keys/smartasset-unpublished.pem",
        include_str!("../vectors/keys/smartasset-unpublished.pem"),
    ),
    (
        "vectors/keys/smartasset-unpublished.pub.pem",
        include_str!("../vectors/keys/smartasset-unpublished.pub.pem"),
    ),
    (
        "vectors/blockmark.ids",
        include_str!("../vectors/blockmark.ids"),
    ),
    (
        "vectors/certifylize.ids",
        include_str!("../vectors/certifylize.ids"),
    ),
    (
        "vectors/blink-apikey.ids",
        include_str!("../vectors/blink-apikey.ids"),
    ),
    (
        "vectors/blink-signature.ids",
        include_str!("../vectors/blink-signature.ids"),
    ),
    (
        "vectors/smartasset.ids",
        include_str!("../vectors/smartasset.ids"),
    ),
    (
        "vectors/cometh.ids",
        include_str!("../vectors/cometh.ids"),
    ),
    (
        "vectors/keys/discord-1.pem",
        include_str!("../vectors/keys/discord-1.pem"),
    ),
    (
        "vectors/keys/discord-1.pub.pem",
        include_str!("../vectors/keys/discord-1.pub.pem"),
    ),
    (
        "vectors/keys/discord-2.pem",
        include_str!("../vectors/keys/discord-2.pem"),
    ),
    (
        "vectors/keys/discord-2.pub.pem",
        include_str!("../vectors/keys/discord-2.pub.pem"),
    ),
    ("vectors/standard-webhooks.ids", include_str!("../vectors/standard-webhooks.ids")),
    ("vectors/svix.ids", include_str!("../vectors/svix.ids")),
    ("vectors/stripe.ids", include_str!("../vectors/stripe.ids")),
    ("vectors/github.ids", include_str!("../vectors/github.ids")),
    ("vectors/slack.ids", include_str!("../vectors/slack.ids")),
    ("vectors/shopify.ids", include_str!("../vectors/shopify.ids")),
    ("vectors/discord.ids", include_str!("../vectors/discord.ids")),
];
