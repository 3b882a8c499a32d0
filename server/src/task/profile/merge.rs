//! Saving `.weco/profile.yaml` without losing what a person wrote in it: only the top-level keys
//! whose values changed are rewritten; every other line (comments, keys we do not know, their
//! formatting) stays byte for byte.

use serde_json::Value;

/// A top-level key's block: its `key:` line and the lines under it, without the comment and blank
/// lines that end it (those belong to what follows).
struct Block {
    key: String,
    start: usize,
    end: usize,
}

fn key_of(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    let (key, _) = line.split_once(':')?;
    key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_').then_some(key)
}

fn blocks(lines: &[&str]) -> Vec<Block> {
    let starts: Vec<usize> = (0..lines.len()).filter(|&i| key_of(lines[i]).is_some()).collect();
    starts
        .iter()
        .enumerate()
        .map(|(n, &start)| {
            let mut end = starts.get(n + 1).copied().unwrap_or(lines.len());
            while end > start + 1 && (lines[end - 1].trim().is_empty() || lines[end - 1].starts_with('#')) {
                end -= 1;
            }
            Block { key: key_of(lines[start]).unwrap_or_default().to_string(), start, end }
        })
        .collect()
}

fn value_of(block_text: &str) -> Option<Value> {
    serde_saphyr::from_str::<Value>(block_text).ok()
}

/// `existing` with the blocks of `fresh` (our serialization of the profile) merged in: equal
/// values keep their original text, changed ones are replaced in place, new keys are appended.
pub fn merge(existing: &str, fresh: &str) -> String {
    let old_lines: Vec<&str> = existing.lines().collect();
    let new_lines: Vec<&str> = fresh.lines().collect();
    let old_blocks = blocks(&old_lines);
    let new_blocks = blocks(&new_lines);
    let text_of = |lines: &[&str], b: &Block| lines[b.start..b.end].join("\n");
    let mut replaced: Vec<Option<String>> = vec![None; old_blocks.len()];
    let mut appended = Vec::new();
    for new in &new_blocks {
        let new_text = text_of(&new_lines, new);
        match old_blocks.iter().position(|old| old.key == new.key) {
            Some(at) => {
                let old_text = text_of(&old_lines, &old_blocks[at]);
                if value_of(&old_text) != value_of(&new_text) {
                    replaced[at] = Some(new_text);
                }
            }
            None => appended.push(new_text),
        }
    }
    let mut out = Vec::new();
    let mut line = 0;
    for (block, replacement) in old_blocks.iter().zip(&replaced) {
        out.extend(old_lines[line..block.start].iter().map(|l| l.to_string()));
        match replacement {
            Some(text) => out.push(text.clone()),
            None => out.extend(old_lines[block.start..block.end].iter().map(|l| l.to_string())),
        }
        line = block.end;
    }
    out.extend(old_lines[line..].iter().map(|l| l.to_string()));
    out.extend(appended);
    let mut text = out.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_keys_comments_and_unknown_keys_stay_as_written() {
        let existing = "# my notes on this project\nmode: vibe   # chosen on day one\nteam_notes:\n  - keep it readable\n\n# usage, measured in prod\nusage:\n  calls_per_day: 100.0\n";
        let fresh = "mode: vibe\nusage:\n  calls_per_day: 5000.0\nworkspace: isolated\n";
        let merged = merge(existing, fresh);
        assert!(
            merged
                .starts_with("# my notes on this project\nmode: vibe   # chosen on day one\nteam_notes:\n  - keep it readable\n\n# usage, measured in prod\n"),
            "{merged}"
        );
        assert!(merged.contains("calls_per_day: 5000.0"), "{merged}");
        assert!(!merged.contains("100.0"), "{merged}");
        assert!(merged.trim_end().ends_with("workspace: isolated"), "{merged}");
    }
}
