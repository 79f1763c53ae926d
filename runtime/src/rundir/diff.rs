//! A short line diff between two spec texts, shown when a resume is refused.

use std::fmt::Write;

/// Changed lines shown before the rest are only counted.
const MAX_SHOWN: usize = 20;

/// Above this many table cells the middle section is shown as wholly replaced instead of
/// aligned: specs are small, and the common prefix and suffix are trimmed first.
const MAX_CELLS: usize = 4_000_000;

/// `None` when `old` and `new` are identical; otherwise a line diff: `- N: text` for a line of
/// `old` that is gone (N its line number in `old`), `+ N: text` for a line of `new` that was
/// added (N its line number in `new`). At most 20 lines are shown, then `... and K more
/// changed lines`. Texts that differ only in line endings or a final newline get one line
/// saying so.
pub fn spec_diff(old: &str, new: &str) -> Option<String> {
    if old == new {
        return None;
    }
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let changes = line_changes(&a, &b);
    if changes.is_empty() {
        return Some("the specs differ only in line endings or the final newline\n".to_string());
    }
    let mut out = String::new();
    for change in changes.iter().take(MAX_SHOWN) {
        // Writing to a String cannot fail.
        let _ = match *change {
            Change::Removed(i) => writeln!(out, "- {}: {}", i + 1, a[i]),
            Change::Added(j) => writeln!(out, "+ {}: {}", j + 1, b[j]),
        };
    }
    if changes.len() > MAX_SHOWN {
        let _ = writeln!(
            out,
            "... and {} more changed lines",
            changes.len() - MAX_SHOWN
        );
    }
    Some(out)
}

/// One side of a difference: an index into the old or the new lines.
#[derive(Debug, Clone, Copy)]
enum Change {
    Removed(usize),
    Added(usize),
}

/// Removals and additions turning `a` into `b`, in reading order, from a longest common
/// subsequence of lines.
fn line_changes(a: &[&str], b: &[&str]) -> Vec<Change> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_mid, b_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let (n, m) = (a_mid.len(), b_mid.len());
    let mut changes = Vec::new();
    if (n + 1).saturating_mul(m + 1) > MAX_CELLS {
        changes.extend((0..n).map(|i| Change::Removed(prefix + i)));
        changes.extend((0..m).map(|j| Change::Added(prefix + j)));
        return changes;
    }
    // lcs[i][j]: length of a longest common subsequence of a_mid[i..] and b_mid[j..].
    let width = m + 1;
    let mut lcs = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * width + j] = if a_mid[i] == b_mid[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a_mid[i] == b_mid[j] {
            i += 1;
            j += 1;
        } else if j == m || (i < n && lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
            // Removals first, so a replaced line reads as `-` old then `+` new.
            changes.push(Change::Removed(prefix + i));
            i += 1;
        } else {
            changes.push(Change::Added(prefix + j));
            j += 1;
        }
    }
    changes
}
