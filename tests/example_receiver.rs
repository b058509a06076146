//! The example receiver (`examples/certifylize_receiver`) tested with the
//! `hookspec::testing` recipe — exactly what a user copies into their crate:
//! every conformance case in-process, strict, and every portable vector
//! against its plain verification function.

#[path = "../examples/certifylize_receiver/receiver.rs"]
#[allow(dead_code)]
mod receiver;

use hookspec::testing::{self, Suite};

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let mut trials = Suite::linked("certifylize", |env| receiver::router(env.secret()))
        .secret("example-secret")
        .path("/webhooks/certifylize")
        .effects_path("/_effects")
        .strict(true)
        .trials();
    trials.extend(testing::vector_trials("certifylize", |ctx, req| {
        let secret = ctx.group.secret.as_deref().unwrap_or_default().as_bytes();
        receiver::verify_signature(secret, req.headers(), req.body()).is_ok()
    }));
    libtest_mimic::run(&args, trials).exit();
}
