//! "Did you mean …?": the closest known name to a misspelt one.

/// The known name closest to `wrong`, if one is close enough to be a
/// plausible typo (edit distance at most a third of the longer name, and at
/// least 1; letter case and `-`/`_` are ignored).
pub fn closest<'a, I>(wrong: &str, known: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let norm = |s: &str| -> Vec<char> {
        s.chars()
            .map(|c| {
                if c == '-' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    };
    let w = norm(wrong);
    known
        .into_iter()
        .filter(|k| *k != wrong)
        .map(|k| (distance(&w, &norm(k)), k))
        .filter(|(d, k)| {
            let longest = w.len().max(k.chars().count());
            *d <= (longest / 3).max(1)
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.to_owned())
}

/// Levenshtein distance, with one row of memory.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = i;
        let mut left = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let cost = usize::from(ca != cb);
            let here = (diagonal + cost).min(up.saturating_add(1)).min(left + 1);
            diagonal = up;
            if let Some(slot) = row.get_mut(j + 1) {
                *slot = here;
            }
            left = here;
        }
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_plausible_typos_only() {
        let known = ["algorithm", "message", "encoding", "hex_case"];
        assert_eq!(closest("algoritm", known).as_deref(), Some("algorithm"));
        assert_eq!(closest("hex-case", known).as_deref(), Some("hex_case"));
        assert_eq!(closest("Mesage", known).as_deref(), Some("message"));
        assert_eq!(closest("zzz", known), None);
        assert_eq!(closest("", known), None);
        assert_eq!(distance(&['a', 'b', 'c'], &['a', 'c']), 1);
    }
}
