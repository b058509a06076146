//! The other subcommands: `cases`, `keys`, `sign`, `serve`, `vectors`,
//! `demo`.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

use hookspec::input::{self, MAX_BODY, MAX_KEY_FILE};
use hookspec::keys::{SigningKey, Trust};
use hookspec::report::{self};
use hookspec::scheme::{CredentialKind, SchemeId};
use hookspec::sign::{KeyPlacement, Payload};

use super::args::*;
use super::output::*;
use super::runtime;

/// `hookspec cases`: the catalogue of one scheme or of all of them.
pub(crate) fn cases(scheme: Option<SchemeId>, format: CasesFormat) -> Result<u8> {
    let schemes: Vec<&hookspec::Scheme> = match scheme {
        Some(id) => vec![id.scheme()],
        None => hookspec::describe::registry::builtins().to_vec(),
    };
    let text = match format {
        CasesFormat::Markdown => hookspec::catalogue_doc::markdown(&schemes),
        CasesFormat::Json => hookspec::catalogue_doc::json(&schemes),
    };
    out(text.as_bytes())?;
    Ok(0)
}

/// The scheme's signing test key (asymmetric schemes).
pub(crate) fn test_key(scheme: SchemeId) -> Option<hookspec::scheme::TestKeyPair> {
    match scheme.scheme().credential {
        CredentialKind::SharedSecret => None,
        _ => scheme.scheme().test_keys.signing,
    }
}

pub(crate) fn keys(scheme: SchemeId, format: KeyFormat) -> Result<u8> {
    let Some(k) = test_key(scheme) else {
        if scheme.scheme().credential == CredentialKind::SharedSecret {
            bail!("scheme `{scheme}` uses a shared secret: there is no public key to trust");
        }
        bail!("scheme `{scheme}` names no signing test key (credential.test_keys)");
    };
    match format {
        KeyFormat::Pem => out(k.public_pem.as_bytes())?,
        KeyFormat::Hex => {
            let key = k.signing_key()?;
            let hex = hookspec::keys::test_keys::ed25519_hex(&key)
                .ok_or_else(|| anyhow!("--format hex is for Ed25519 keys; use --format pem"))?;
            outln!("{hex}")?;
        }
    }
    errln!("# TEST-ONLY key ({}): trust it only while testing", k.name);
    Ok(0)
}

pub(crate) fn signing_key(
    scheme: SchemeId,
    secret: Option<Vec<u8>>,
    key_file: Option<&PathBuf>,
) -> Result<SigningKey> {
    match scheme.scheme().credential {
        CredentialKind::SharedSecret => {
            let s = secret.ok_or_else(|| {
                anyhow!("scheme `{scheme}` needs the shared secret: --secret, --secret-env NAME or --secret-file PATH")
            })?;
            Ok(hookspec::keys::shared_secret(scheme.scheme(), &s)?)
        }
        _ => {
            let key = match key_file {
                Some(p) => {
                    let pem =
                        input::read_file(p, MAX_KEY_FILE, "a private key").context("--key-file")?;
                    let pem = String::from_utf8(pem).map_err(|_| {
                        anyhow!("--key-file: {}: not a PEM file (not text)", p.display())
                    })?;
                    SigningKey::from_pkcs8_pem(&pem)
                        .with_context(|| format!("--key-file {}", p.display()))?
                }
                None => test_key(scheme)
                    .ok_or_else(|| anyhow!("no test key for `{scheme}`"))?
                    .signing_key()?,
            };
            if !key.fits(scheme.scheme()) {
                bail!("the key in --key-file does not fit scheme `{scheme}`");
            }
            Ok(key)
        }
    }
}

pub(crate) fn sign(args: SignArgs) -> Result<u8> {
    let scheme = args.scheme.id()?;
    let key = signing_key(scheme, args.secret.read()?, args.key_file.as_ref())?;
    let what = "a body to sign";
    let body = if args.body == "-" {
        input::read_bounded(std::io::stdin().lock(), Path::new("-"), MAX_BODY, what)
            .context("--body (stdin)")?
    } else {
        input::read_file(Path::new(&args.body), MAX_BODY, what).context("--body")?
    };
    let ts = args.timestamp.unwrap_or_else(|| {
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        )
        .unwrap_or(0)
    });
    let mut payload = Payload::new(args.url.clone(), body, ts);
    payload.event_id = Some(args.event_id.clone());
    payload.event_type = Some(
        args.event_type
            .clone()
            .or_else(|| scheme.scheme().event_types.first().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "test.event".into()),
    );
    payload.key_placement = match args.key_in {
        KeyIn::Header => KeyPlacement::Header,
        KeyIn::Query => KeyPlacement::Query,
    };
    let d = hookspec::sign::sign(scheme.scheme(), &key, &payload)?;
    let out = match args.format {
        SignFormat::Curl => hookspec::render::curl(&d)?,
        SignFormat::Http => hookspec::render::http(&d)?,
    };
    self::out(&out)?;
    Ok(0)
}

pub(crate) fn serve(args: ServeArgs) -> Result<u8> {
    use hookspec::receiver::{ReceiverConfig, TrustSource};
    let scheme = args.scheme.id()?;
    let trust = match (scheme.scheme().credential, &args.key_server) {
        (CredentialKind::SharedSecret, Some(_)) => {
            bail!(
                "--key-server is for schemes with published keys; `{scheme}` uses a shared secret"
            )
        }
        (CredentialKind::SharedSecret, None) => {
            let s = args.secret.read()?.ok_or_else(|| {
                anyhow!("scheme `{scheme}` needs the shared secret: --secret, --secret-env NAME or --secret-file PATH")
            })?;
            TrustSource::Static(Trust::Secret(scheme.scheme().shared_key(&s)?))
        }
        (_, Some(url)) => TrustSource::key_server(url.clone()),
        (_, None) => {
            let k = signing_key(scheme, None, None)?;
            errln!("hookspec serve: trusting the TEST-ONLY key (no --key-server given)");
            TrustSource::Static(k.trust())
        }
    };
    let mut config = ReceiverConfig::new(scheme, trust);
    config.tolerance_s = args.tolerance;
    config.public_base_url = args.public_url.clone();
    let rt = runtime()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let addr = listener.local_addr()?;
        errln!(
            "hookspec serve: {scheme} receiver on http://{addr}/ (effects: http://{addr}{}); Ctrl-C stops",
            hookspec::receiver::EFFECTS_PATH
        );
        hookspec::receiver::serve(listener, config, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        Ok::<_, anyhow::Error>(0)
    })
}

pub(crate) fn vectors(dir: &Path, only: Option<SchemeId>) -> Result<u8> {
    if dir.exists() && !dir.is_dir() {
        bail!("--dir {}: exists and is not a directory", dir.display());
    }
    let written = match only {
        Some(id) => vec![hookspec::vectors::write_one(dir, id).context("--dir")?],
        None => hookspec::vectors::write_all(dir).context("--dir")?,
    };
    for p in written {
        outln!("{}", p.display())?;
    }
    Ok(0)
}

pub(crate) fn demo(scheme: &str, format: Format) -> Result<u8> {
    let schemes: Vec<SchemeId> = if scheme == "all" {
        SchemeId::builtins().to_vec()
    } else {
        vec![scheme.parse()?]
    };
    let rt = runtime()?;
    let mut worst = 0u8;
    for s in schemes {
        let report = rt.block_on(hookspec::demo::run_demo(s, |_| {}))?;
        emit(&report, format, true, None, 0, None)?;
        worst = worst.max(report::verdict(&report, true, None).exit_code);
    }
    Ok(worst)
}
