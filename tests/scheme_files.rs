//! Scheme files (issue 12, the foundation): the six built-in files load and
//! describe exactly the engine's statics; the custom example of
//! docs/scheme-format.md loads; malformed files are errors that read
//! `path:line:column: what is wrong; how to fix it`, never panics.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use hookspec::describe;
use hookspec::describe::registry::builtins as schemes;
use hookspec::scheme::SchemeId;

fn builtin_loads(id: &str) {
    let text = describe::builtin(id).expect("a built-in file");
    let origin = format!("schemes/{id}.toml");
    let file = describe::load(text, &origin).unwrap_or_else(|e| panic!("{e}"));
    let scheme = describe::to_scheme(&file, &origin, text, &describe::Files::Builtin)
        .unwrap_or_else(|e| panic!("{e}"));
    let registered: SchemeId = id.parse().unwrap();
    assert_eq!(&scheme, registered.scheme(), "{origin}");
}

#[test]
fn blockmark_file_loads() {
    builtin_loads("blockmark");
}

#[test]
fn certifylize_file_loads() {
    builtin_loads("certifylize");
}

#[test]
fn blink_apikey_file_loads() {
    builtin_loads("blink-apikey");
}

#[test]
fn blink_signature_file_loads() {
    builtin_loads("blink-signature");
}

#[test]
fn smartasset_file_loads() {
    builtin_loads("smartasset");
}

#[test]
fn cometh_file_loads() {
    builtin_loads("cometh");
}

#[test]
fn builtins_are_the_files_under_schemes_in_order() {
    let files = describe::registry::builtin_files();
    let ids: Vec<String> = files
        .iter()
        .map(|(p, _)| {
            p.trim_start_matches("schemes/")
                .trim_end_matches(".toml")
                .to_owned()
        })
        .collect();
    let registered: Vec<&str> = schemes().iter().map(|s| s.id).collect();
    assert_eq!(ids, registered);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for ((_, text), id) in files.iter().zip(&ids) {
        let path = root.join("schemes").join(format!("{id}.toml"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), *text);
        let file = describe::load(text, &path.display().to_string()).unwrap();
        assert_eq!(file.id.get_ref(), id);
        // Test key files exist, relative to the scheme file.
        for k in &file.credential.test_keys {
            for p in [&k.get_ref().private, &k.get_ref().public] {
                assert!(path.parent().unwrap().join(p).is_file(), "{id}: {p}");
            }
        }
    }
    let mut all: Vec<_> = std::fs::read_dir(root.join("schemes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    all.sort();
    // The six original schemes and the seven providers.
    assert_eq!(
        all.len(),
        13,
        "every file under schemes/ is a built-in: {all:?}"
    );
    let mut by_name = ids.clone();
    by_name.sort();
    let listed: Vec<String> = all
        .iter()
        .map(|n| n.trim_end_matches(".toml").to_owned())
        .collect();
    assert_eq!(listed, by_name, "every file under schemes/ is a built-in");
}

/// The full example of docs/scheme-format.md (between the markers).
fn doc_example() -> String {
    let doc = include_str!("../docs/scheme-format.md");
    let start = doc.find("<!-- example:acme -->").expect("marker");
    let rest = &doc[start..];
    let open = rest.find("```toml\n").expect("toml block") + "```toml\n".len();
    let close = rest[open..].find("```").expect("end of block");
    rest[open..open + close].to_owned()
}

#[test]
fn custom_example_from_the_docs_runs() {
    use hookspec::keys::RoleKeys;
    use hookspec::sign::{sign, Payload};
    use hookspec::verify::{verify, Policy};
    let text = doc_example();
    let file = describe::load(&text, "acme.toml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(file.id.get_ref(), "acme");
    let id = describe::register(&text, "acme.toml", &describe::Files::Builtin)
        .unwrap_or_else(|e| panic!("{e}"));
    let scheme = id.scheme();
    let key = RoleKeys::of(scheme).unwrap().signing;
    let mut p = Payload::new(
        "https://receiver.example/hooks",
        &br#"{"id":"evt_1"}"#[..],
        1_700_000_000,
    );
    p.event_id = Some("evt_1".into());
    p.event_type = Some("invoice.paid".into());
    let d = sign(scheme, &key, &p).unwrap();
    let header = String::from_utf8(
        d.headers
            .iter()
            .find(|(n, _)| n == "X-Acme-Signature")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(header.starts_with("t=1700000000,v1="), "{header}");
    let got = verify(scheme, &key.trust(), &d, &Policy::at(1_700_000_100));
    assert_eq!(got.map(|v| v.event_id), Ok(Some("evt_1".to_owned())));
    // The hex test secret is decoded: the key is 16 bytes, not 32 characters.
    assert!(matches!(key, hookspec::keys::SigningKey::Secret(ref k) if k.len() == 16));
}

/// A minimal valid file the malformed table edits.
const BASE: &str = r#"id = "acme"
summary = "X-Acme-Signature: sha256=<hex>"
reference = "https://acme.example/docs/webhooks"

[credential]
kind = "shared-secret"

[proof]
carrier = "header"
header = "X-Acme-Signature"
syntax = "prefixed"
prefix = "sha256="

[signature]
algorithm = "hmac-sha256"
message = "{body}"
encoding = "hex"

[idempotency]
header = "X-Acme-Delivery"

[events]
sample = '{"id":"@ID@"}'
"#;

#[test]
fn the_base_of_the_malformed_table_loads() {
    describe::load(BASE, "base.toml").unwrap();
}

/// `(what, file text, expected "path:line:column: " prefix, key phrase)`.
fn malformed() -> Vec<(&'static str, String, &'static str, &'static str)> {
    let edit = |from: &str, to: &str| {
        assert!(BASE.contains(from), "{from}");
        BASE.replacen(from, to, 1)
    };
    vec![
        (
            "unknown field, with did-you-mean",
            edit("algorithm = ", "algoritm = "),
            "bad.toml:15:1: ",
            "unknown field `algoritm`; did you mean `algorithm`?",
        ),
        (
            "missing field",
            edit("[events]\nsample = '{\"id\":\"@ID@\"}'\n", ""),
            "bad.toml:1:1: ",
            "missing field `events`",
        ),
        (
            "missing field for the syntax chosen",
            edit("prefix = \"sha256=\"\n", ""),
            "bad.toml:11:10: ",
            "missing field `proof.prefix` (syntax = \"prefixed\" needs it)",
        ),
        (
            "wrong type",
            edit("[idempotency]", "[sender]\ntimeout_ms = \"8s\"\n\n[idempotency]"),
            "bad.toml:20:14: ",
            "wrong type",
        ),
        (
            "unknown placeholder",
            edit("message = \"{body}\"", "message = \"{ts}.{bdy}\""),
            "bad.toml:16:12: ",
            "unknown placeholder `{ts}`",
        ),
        (
            "unknown placeholder with did-you-mean",
            edit("message = \"{body}\"", "message = \"{url}.{bdy}\""),
            "bad.toml:16:18: ",
            "did you mean `{body}`?",
        ),
        (
            "body envelope without a JSON body",
            edit(
                "carrier = \"header\"\nheader = \"X-Acme-Signature\"\nsyntax = \"prefixed\"\nprefix = \"sha256=\"",
                "carrier = \"body-envelope\"\nevent_member = \"event\"\nsignature_member = \"sig\"",
            )
            .replace("[idempotency]", "[body]\nformat = \"form\"\n\n[idempotency]"),
            "bad.toml:19:10: ",
            "a body envelope needs a JSON body",
        ),
        (
            "timestamp placeholder without a timestamp source",
            edit("message = \"{body}\"", "message = \"{timestamp}.{body}\""),
            "bad.toml:16:12: ",
            "no timestamp source",
        ),
        (
            "list parameter without a timestamp source",
            edit(
                "syntax = \"prefixed\"\nprefix = \"sha256=\"",
                "syntax = \"kv-list\"\npair_separator = \",\"\nkey_separator = \"=\"\naccept = [\"v1\"]",
            )
            .replace("message = \"{body}\"", "message = \"{param:t}.{body}\""),
            "bad.toml:18:12: ",
            "no timestamp source",
        ),
        (
            "whsec_ secret that does not decode",
            edit(
                "kind = \"shared-secret\"",
                "kind = \"shared-secret\"\nsecret_decoding = \"whsec-base64\"\ntest_secret = \"whsec_not*base64\"",
            ),
            "bad.toml:8:15: ",
            "does not decode",
        ),
        (
            "unknown algorithm, with did-you-mean",
            edit("\"hmac-sha256\"", "\"hmac-sha265\""),
            "bad.toml:15:13: ",
            "unknown algorithm `hmac-sha265`; did you mean `hmac-sha256`?",
        ),
        (
            "duplicate key",
            edit("encoding = \"hex\"", "encoding = \"hex\"\nencoding = \"base64\""),
            "bad.toml:18:1: ",
            "duplicate key",
        ),
        (
            "not TOML at all",
            "{\"id\": \"acme\"}\n".to_owned(),
            "bad.toml:1:1: ",
            "not valid TOML",
        ),
        (
            "empty file",
            "\n# nothing yet\n\n".to_owned(),
            "bad.toml:1:1: ",
            "the scheme file is empty",
        ),
        (
            "algorithm that does not fit the credential",
            edit("\"hmac-sha256\"", "\"ed25519\""),
            "bad.toml:15:13: ",
            "the algorithm does not fit credential.kind",
        ),
        (
            "field of another syntax",
            edit("prefix = \"sha256=\"", "prefix = \"sha256=\"\naccept = [\"v1\"]"),
            "bad.toml:13:10: ",
            "`accept` does not apply to syntax = \"prefixed\"",
        ),
        (
            "status that is no rejection",
            edit("[events]", "[statuses]\ninvalid = { code = 200, source = \"x\" }\n\n[events]"),
            "bad.toml:23:20: ",
            "status 200 is not a rejection status",
        ),
        (
            "idempotency pointer that is no JSON pointer",
            edit("header = \"X-Acme-Delivery\"", "pointer = \"id\""),
            "bad.toml:20:11: ",
            "is not a JSON pointer",
        ),
        (
            "unclosed brace in a template",
            edit("message = \"{body}\"", "message = \"{body\""),
            "bad.toml:16:12: ",
            "`{` is not closed",
        ),
    ]
}

#[test]
fn malformed_files_are_located_errors() {
    let table = malformed();
    assert!(table.len() >= 10);
    let mut failures = Vec::new();
    for (what, text, prefix, phrase) in &table {
        match describe::load(text, "bad.toml") {
            Ok(_) => failures.push(format!("{what}: loaded")),
            Err(e) => {
                let shown = e.to_string();
                if !shown.starts_with(prefix) || !shown.contains(phrase) {
                    failures.push(format!(
                        "{what}:\n  got      {shown}\n  expected {prefix}…{phrase}…"
                    ));
                }
                // Every message says how to fix it.
                if !shown.contains("; ") {
                    failures.push(format!("{what}: no fix in `{shown}`"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn bytes_that_are_not_utf8_are_an_error() {
    let err = describe::load_bytes(b"id = \"a\xff\"", "bin.toml").unwrap_err();
    assert_eq!(err.to_string().split(": ").next(), Some("bin.toml:1:8"));
}

#[test]
fn schemes_show_prints_the_builtin_file_verbatim() {
    let bin = env!("CARGO_BIN_EXE_hookspec");
    for (path, text) in describe::registry::builtin_files() {
        let id = path
            .trim_start_matches("schemes/")
            .trim_end_matches(".toml");
        let out = std::process::Command::new(bin)
            .args(["schemes", "--show", id])
            .output()
            .unwrap();
        assert!(out.status.success(), "{id}");
        assert_eq!(String::from_utf8(out.stdout).unwrap(), *text, "{id}");
    }
    let out = std::process::Command::new(bin)
        .args(["schemes", "--show", "acme"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no built-in scheme `acme`"));
}

/// Every prefix of every built-in file, and each with one byte changed to a
/// TOML-significant character, goes through the fuzz target's invariants
/// (no panic; a located error with a fix).
#[test]
fn truncated_and_edited_builtins_never_panic() {
    for (_, text) in describe::registry::builtin_files() {
        let bytes = text.as_bytes();
        for end in 0..=bytes.len() {
            hookspec::fuzzing::scheme_file(&bytes[..end]);
        }
        for (i, b) in [b'"', b'[', b'{', b'=', b'\n', b'x', 0xff]
            .into_iter()
            .cycle()
            .take(bytes.len())
            .enumerate()
        {
            let mut edited = bytes.to_vec();
            edited[i] = b;
            hookspec::fuzzing::scheme_file(&edited);
        }
    }
}

/// The scheme file of the README's "Your own scheme" section loads and
/// converts (the engine runs it).
#[test]
fn readme_example_runs() {
    let readme = include_str!("../README.md");
    let start = readme.find("### Your own scheme").expect("section");
    let rest = &readme[start..];
    let open = rest.find("```toml\n").expect("toml block") + "```toml\n".len();
    let close = rest[open..].find("```").expect("end of block");
    let text = &rest[open..open + close];
    let file = describe::load(text, "README.md").unwrap_or_else(|e| panic!("{e}"));
    describe::to_scheme(&file, "README.md", text, &describe::Files::Builtin)
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A user's asymmetric scheme gives its own test keys, by paths relative to
/// the scheme file: they sign, they verify, and `hookspec keys` prints the
/// signing key's public half. A key of the wrong kind is a located error.
#[test]
fn a_user_scheme_brings_its_own_test_keys() {
    use ed25519_dalek::pkcs8::{EncodePrivateKey, EncodePublicKey};
    use hookspec::keys::RoleKeys;
    use hookspec::sign::{sign, Payload};
    use hookspec::verify::{verify, Policy};
    let dir = std::env::temp_dir().join(format!("hookspec-own-keys-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("keys")).unwrap();
    let mut pems = Vec::new();
    for (name, seed) in [("signing", 7u8), ("other", 9u8)] {
        let k = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
        let private = k.to_pkcs8_pem(Default::default()).unwrap();
        let public = k
            .verifying_key()
            .to_public_key_pem(Default::default())
            .unwrap();
        std::fs::write(dir.join(format!("keys/{name}.pem")), private.as_bytes()).unwrap();
        std::fs::write(dir.join(format!("keys/{name}.pub.pem")), &public).unwrap();
        pems.push(public);
    }
    let text = r#"id = "own-keys"
summary = "X-Own-Signature: hex Ed25519 over the body"
reference = "tests/scheme_files.rs"

[credential]
kind = "ed25519-public-keys"

[[credential.test_keys]]
name = "own-signing"
private = "keys/signing.pem"
public = "keys/signing.pub.pem"
roles = ["signing"]

[[credential.test_keys]]
name = "own-other"
private = "keys/other.pem"
public = "keys/other.pub.pem"
roles = ["unknown", "rotation"]

[proof]
carrier = "header"
header = "X-Own-Signature"

[signature]
algorithm = "ed25519"
message = "{body}"
encoding = "hex"

[idempotency]
pointer = "/id"

[events]
sample = '{"id":"@ID@","type":"@TYPE@"}'
"#;
    let path = dir.join("own.toml");
    std::fs::write(&path, text).unwrap();
    let id = describe::register_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let scheme = id.scheme();
    let keys = RoleKeys::of(scheme).unwrap();
    let p = Payload::new("http://127.0.0.1:9/hook", &br#"{"id":"e1"}"#[..], 0);
    let d = sign(scheme, &keys.signing, &p).unwrap();
    assert!(verify(scheme, &keys.signing.trust(), &d, &Policy::at(0)).is_ok());
    assert!(verify(scheme, &keys.unknown.trust(), &d, &Policy::at(0)).is_err());

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hookspec"))
        .arg("keys")
        .arg("--scheme-file")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), pems[0]);

    // An RSA scheme naming these Ed25519 keys: refused at the key entry.
    let rsa = text
        .replace("id = \"own-keys\"", "id = \"own-keys-rsa\"")
        .replace("ed25519-public-keys", "rsa-public-key")
        .replace(
            "algorithm = \"ed25519\"",
            "algorithm = \"rsa-pkcs1v15-sha256\"",
        );
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, rsa).unwrap();
    let err = describe::register_file(&bad).unwrap_err().to_string();
    assert!(
        err.contains("bad.toml:") && err.contains("not a key of this scheme's kind"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
