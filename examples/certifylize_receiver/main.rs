//! Runs the example Certifylize receiver on 127.0.0.1:3005.
//!
//! ```sh
//! CERTIFYLIZE_WEBHOOK_SECRET=s3cret cargo run --example certifylize_receiver
//! hookspec run --scheme certifylize --url http://127.0.0.1:3005/webhooks/certifylize \
//!   --secret s3cret --effects-url http://127.0.0.1:3005/_effects --strict
//! ```

mod receiver;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("CERTIFYLIZE_WEBHOOK_SECRET")
        .map_err(|_| "set CERTIFYLIZE_WEBHOOK_SECRET")?;
    if secret.is_empty() {
        return Err("CERTIFYLIZE_WEBHOOK_SECRET is empty: refusing to accept anything".into());
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3005").await?;
    eprintln!(
        "listening on http://{}/webhooks/certifylize",
        listener.local_addr()?
    );
    axum::serve(listener, receiver::router(secret.as_bytes())).await?;
    Ok(())
}
