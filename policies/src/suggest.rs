//! "Did you mean …?" for near-miss names (unknown scenario keys, Spark keys,
//! distribution kinds).

/// Levenshtein distance between two strings, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate within a third of the word's length (at least 1,
/// at most 3 edits), ignoring ASCII case, ties to the first listed; `None`
/// when nothing is close. Candidates whose length alone is too far are
/// skipped, so a long list (Spark's 1,400 property names) costs little.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    let word: Vec<char> = word.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut best: Option<(usize, &'a str)> = None;
    let mut row: Vec<usize> = Vec::new();
    let mut next: Vec<usize> = Vec::new();
    for c in candidates {
        let n = c.chars().count();
        if n.abs_diff(word.len()) > limit {
            continue;
        }
        // Levenshtein by rows over the candidate's characters.
        row.clear();
        row.extend(0..=word.len());
        for (i, cc) in c.chars().map(|c| c.to_ascii_lowercase()).enumerate() {
            next.clear();
            next.push(i + 1);
            for (j, &wc) in word.iter().enumerate() {
                let cost = usize::from(cc != wc);
                let v = (row[j] + cost).min(row[j + 1] + 1).min(next[j] + 1);
                next.push(v);
            }
            std::mem::swap(&mut row, &mut next);
        }
        let d = row[word.len()];
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn suggests_only_close_names() {
        let keys = ["allocation_interval", "offer_timeout", "allocator"];
        assert_eq!(
            closest("alocation_interval", keys),
            Some("allocation_interval")
        );
        assert_eq!(closest("offer_timout", keys), Some("offer_timeout"));
        assert_eq!(closest("zzz", keys), None);
        assert_eq!(
            closest("spark.core.max", ["spark.cores.max"]),
            Some("spark.cores.max")
        );
    }
}
