//! Writes the fuzz targets' seed corpora from the vector files:
//! `cargo run --example fuzz_seeds [VECTORS_DIR [CORPUS_DIR]]` (defaults:
//! `vectors`, `fuzz/corpus`). Each seed goes to
//! `CORPUS_DIR/<target>/seed-<sha256 prefix>`; existing files are kept.

use sha2::{Digest, Sha256};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let vectors = args.next().unwrap_or_else(|| "vectors".into());
    let corpus = std::path::PathBuf::from(args.next().unwrap_or_else(|| "fuzz/corpus".into()));
    let seeds = hookspec::fuzzing::seed_corpus(std::path::Path::new(&vectors))?;
    for target in hookspec::fuzzing::TARGETS {
        std::fs::create_dir_all(corpus.join(target))?;
    }
    for (target, data) in &seeds {
        let digest = hex::encode(Sha256::digest(data));
        let name = format!("seed-{}", digest.get(..16).unwrap_or(&digest));
        std::fs::write(corpus.join(target).join(name), data)?;
    }
    println!("{} seeds written under {}", seeds.len(), corpus.display());
    Ok(())
}
