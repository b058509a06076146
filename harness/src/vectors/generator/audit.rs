//! Test-only audit: derives each built-in's tcId ledger afresh by matching
//! its published vector file against the rules' cases (same flags, result,
//! key material and request bytes), and writes it to
//! `target/ledger-audit/<scheme>.ids` (never over `vectors/`). This is how
//! the first ledgers were written; run it by hand after changing rules to
//! see which published test each rule reproduces:
//! `cargo test --lib ledger_audit -- --ignored --nocapture`.
//! It knows nothing of `retired` lines: compare, do not copy blindly.

use std::fmt::Write as _;

use super::assemble;
use super::rules::catalogue;
use super::Gen;
use crate::scheme::SchemeId;

#[test]
#[ignore = "writes target/ledger-audit/*.ids; run by hand"]
fn ledger_audit() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for id in SchemeId::builtins() {
        let g = Gen::new(id).unwrap();
        let groups = assemble::groups(&g).unwrap();
        let published = crate::vectors::load(root.join(format!("vectors/{id}.json"))).unwrap();
        let cands = catalogue(&g);
        let mut used = vec![false; cands.len()];
        let mut lines = Vec::new();
        let mut missing = Vec::new();
        for (group, t) in published.tests() {
            let found = cands.iter().enumerate().find(|(i, c)| {
                if used[*i] || c.result != t.result || c.flags != t.flags {
                    return false;
                }
                let Some((_, cg)) = groups.iter().find(|(k, _)| *k == c.group) else {
                    return false;
                };
                let same_keys = cg.secret == group.secret
                    && cg.public_keys == group.public_keys
                    && cg.public_key_pem == group.public_key_pem
                    && cg.tolerance == group.tolerance;
                same_keys
                    && (c.build)(&g, t.tc_id)
                        .ok()
                        .and_then(|d| crate::vectors::Request::from_delivery(&d).ok())
                        .as_ref()
                        == Some(&t.request)
            });
            match found {
                Some((i, c)) => {
                    used[i] = true;
                    let comment = if c.comment == t.comment {
                        String::new()
                    } else {
                        format!(" {}", t.comment)
                    };
                    lines.push((t.tc_id, format!("{} {}{comment}", t.tc_id, c.key)));
                }
                None => missing.push(format!("{} {:?} {}", t.tc_id, t.flags, t.comment)),
            }
        }
        lines.sort();
        let mut text = format!(
            "# tcId ledger of `{id}` (vectors/README.md): <tcId> <rule key> [published comment];\n# `-` leaves a rule out of the published file; `retired <tcId>` never comes back.\n"
        );
        for (_, l) in &lines {
            let _ = writeln!(text, "{l}");
        }
        for (i, c) in cands.iter().enumerate() {
            if !used[i] {
                let _ = writeln!(text, "- {}", c.key);
            }
        }
        let out = root.join("target/ledger-audit");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(format!("{id}.ids")), text).unwrap();
        eprintln!("{id}: {} matched, unmatched: {missing:#?}", lines.len());
    }
}
