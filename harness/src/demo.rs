//! `hookspec demo`: the reference receiver and the key server, started
//! in-process on free loopback ports, with the full suite run against them.
//! The newcomer's first command; it must pass every case, strict.

use std::net::SocketAddr;
use std::time::Duration;

use crate::keys::{SigningKey, Trust};
use crate::keyserver::{self, KeyServerState, PublishedKeys};
use crate::receiver::{self, ReceiverConfig, TrustSource};
use crate::runner::{KeyPublisher, RunConfig, RunReport, Runner};
use crate::scheme::{CredentialKind, SchemeId};
use crate::target::{HttpTarget, TlsOptions};
use crate::Error;

impl KeyPublisher for KeyServerState {
    fn publish(&self, keys: &[&SigningKey]) -> Result<(), Error> {
        let owned: Vec<SigningKey> = keys.iter().map(|k| (*k).clone()).collect();
        KeyServerState::publish(self, PublishedKeys::from_signing_keys(&owned))
    }
}

/// The loopback address with an ephemeral port.
pub fn loopback_any() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// A reference receiver (and, for asymmetric schemes, a key server) running
/// on loopback until dropped.
#[derive(Debug)]
pub struct LocalReceiver {
    /// The webhook URL.
    pub webhook_url: String,
    /// The effects oracle URL.
    pub effects_url: String,
    /// The key server, for asymmetric schemes.
    pub key_server: Option<keyserver::KeyServerHandle>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for LocalReceiver {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Starts the reference receiver for `scheme` on loopback, trusting
/// `secret` (shared-secret schemes) or a key server publishing `keys`.
pub async fn start_reference(
    scheme: SchemeId,
    secret: &[u8],
    keys: &[SigningKey],
) -> Result<LocalReceiver, Error> {
    let (trust, key_server) = match scheme.scheme().credential {
        CredentialKind::SharedSecret => (
            TrustSource::Static(Trust::Secret(scheme.scheme().shared_key(secret)?)),
            None,
        ),
        // A provider that does not publish its keys: the receiver is
        // configured with them (as `hookspec keys` prints them).
        _ if scheme.scheme().key_route().is_none() => {
            let key = keys.first().ok_or(Error::MissingPublicKey {
                algorithm: match scheme.scheme().credential {
                    CredentialKind::RsaPublicKey => "RSA",
                    _ => "Ed25519",
                },
            })?;
            (TrustSource::Static(key.trust()), None)
        }
        _ => {
            let ks = keyserver::start_for(
                loopback_any(),
                scheme.scheme(),
                PublishedKeys::from_signing_keys(keys),
            )
            .await?;
            let mut trust = TrustSource::key_server(ks.base_url());
            if let TrustSource::KeyServer { cache_ttl, .. } = &mut trust {
                // Short enough that a removed key stops working quickly.
                *cache_ttl = Duration::from_secs(1);
            }
            (trust, Some(ks))
        }
    };
    let config = ReceiverConfig::new(scheme, trust);
    let listener = tokio::net::TcpListener::bind(loopback_any())
        .await
        .map_err(|source| Error::Bind {
            server: "receiver",
            addr: loopback_any(),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| Error::LocalAddr {
        server: "receiver",
        source,
    })?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = receiver::router(config)?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(LocalReceiver {
        webhook_url: format!("http://{addr}/webhooks/{scheme}"),
        effects_url: format!("http://{addr}{}", receiver::EFFECTS_PATH),
        key_server,
        stop: Some(stop),
    })
}

/// Runs the full suite for `scheme` against a fresh in-process reference
/// receiver.
pub async fn run_demo(
    scheme: SchemeId,
    configure: impl FnOnce(&mut RunConfig),
) -> Result<RunReport, Error> {
    let secret = scheme.scheme().test_secret.as_bytes();
    let mut config = RunConfig::new(scheme, Some(secret.to_vec()))?;
    configure(&mut config);
    let local = start_reference(scheme, secret, std::slice::from_ref(&config.key)).await?;
    let target = HttpTarget::new(&local.webhook_url, config.timeout, &TlsOptions::default())?;
    let effects = HttpTarget::new(&local.effects_url, config.timeout, &TlsOptions::default())?;
    let mut runner = Runner::new(&config, &target).with_effects(&effects);
    if let Some(ks) = &local.key_server {
        runner = runner.with_key_server(ks.state().as_ref());
    }
    Ok(runner.run().await)
}
