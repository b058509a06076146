//! The `cargo test` recipe of `hookspec::testing`, used for real: every
//! case of every scheme against the reference receiver linked in-process
//! (one test per case id), plus the external-receiver suite driven by
//! `HOOKSPEC_URL` & co. (shown as ignored when they are not set).
//!
//! `cargo test --test conformance -- --list` lists the case ids;
//! `HOOKSPEC_URL=http://127.0.0.1:8080/hook HOOKSPEC_SCHEME=certifylize
//! HOOKSPEC_SECRET=… cargo test --test conformance -- external` runs the
//! suite against that receiver.

use std::time::Duration;

use hookspec::keys::{RoleKeys, Trust};
use hookspec::receiver::{self, ReceiverConfig, TrustSource};
use hookspec::scheme::CredentialKind;
use hookspec::testing::{LinkedEnv, Suite};
use hookspec::SchemeId;

fn reference(scheme: SchemeId, env: &LinkedEnv) -> axum::Router {
    let s = scheme.scheme();
    let trust = match env.key_server_url() {
        // A provider that publishes no keys (no key route): the receiver is
        // configured with the signing key, as `demo::start_reference` does.
        _ if s.credential != CredentialKind::SharedSecret && s.key_route().is_none() => {
            match RoleKeys::of(s) {
                Ok(k) => TrustSource::Static(k.signing.trust()),
                Err(e) => panic!("test keys of {}: {e}", s.id),
            }
        }
        Some(url) => {
            let mut t = TrustSource::key_server(url);
            if let TrustSource::KeyServer { cache_ttl, .. } = &mut t {
                *cache_ttl = Duration::from_secs(1);
            }
            t
        }
        // The key bytes, already decoded as the scheme says.
        None => TrustSource::Static(Trust::Secret(env.secret().to_vec())),
    };
    match receiver::router(ReceiverConfig::new(scheme, trust)) {
        Ok(r) => r,
        Err(e) => panic!("reference receiver: {e}"),
    }
}

fn main() {
    let mut suites: Vec<Suite> = SchemeId::builtins()
        .into_iter()
        .map(|scheme| {
            Suite::linked(scheme, move |env| reference(scheme, env))
                // The scheme's own test secret, in the form its provider
                // hands secrets out (`whsec_…` must decode).
                .secret(scheme.scheme().test_secret)
                .effects_path(receiver::EFFECTS_PATH)
                .strict(true)
        })
        .collect();
    suites.push(Suite::from_env());
    hookspec::testing::main(suites);
}
