//! The one redaction filter: every text that comes from a child process (weco, evaluations, the
//! harness, installers) or an HTTP body passes through [`scrub`] where it enters the server, so no
//! key reaches `run.log`, `report.md`, `.runs/`, `result.json` or a message to the editor.
//!
//! Removed: the values of key variables in the environment (`WECO_API_KEY`, every `*_API_KEY`,
//! `*_TOKEN`, `*_SECRET`, and names registered with [`register_key_variable`], such as the
//! configured LLM key variable), `Bearer` tokens, `Authorization` header values, and quoted values
//! of names that look like keys (`weco_api_key = '…'` in rich's traceback locals, `"api_key": "…"`).

use std::borrow::Cow;
use std::sync::RwLock;

pub const REDACTED: &str = "[REDACTED]";

/// Shorter values are not treated as secrets (they would blank out ordinary words).
const MIN_SECRET_LEN: usize = 6;

static EXTRA_VARIABLES: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Also treat the value of environment variable `name` as a secret (e.g. `weco.llm.apiKeyEnv`).
pub fn register_key_variable(name: &str) {
    let mut names = EXTRA_VARIABLES.write().unwrap_or_else(|e| e.into_inner());
    if !name.is_empty() && !names.iter().any(|n| n == name) {
        names.push(name.to_string());
    }
}

fn is_key_variable(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper == "WECO_API_KEY"
        || ["_API_KEY", "_APIKEY", "_TOKEN", "_SECRET", "_ACCESS_KEY"].iter().any(|s| upper.ends_with(s))
        || EXTRA_VARIABLES.read().unwrap_or_else(|e| e.into_inner()).iter().any(|n| n == name)
}

/// The secret values in the process environment, longest first (so a key containing another is
/// removed whole).
fn secrets() -> Vec<String> {
    let mut values: Vec<String> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .filter(|(k, v)| is_key_variable(k) && v.len() >= MIN_SECRET_LEN)
        .map(|(_, v)| v)
        .collect();
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();
    values
}

/// `text` without secrets. Borrowed when there was nothing to remove.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for secret in secrets() {
        if out.contains(secret.as_str()) {
            out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
        }
    }
    if needs_pattern_pass(&out) {
        out = Cow::Owned(out.lines_with_endings().map(scrub_line).collect());
    }
    out
}

fn needs_pattern_pass(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["bearer ", "authorization", "api_key", "apikey", "token", "secret", "password"].iter().any(|p| lower.contains(p))
}

trait LinesWithEndings {
    fn lines_with_endings(&self) -> impl Iterator<Item = &str>;
}

impl LinesWithEndings for str {
    fn lines_with_endings(&self) -> impl Iterator<Item = &str> {
        self.split_inclusive('\n')
    }
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~+/=:".contains(c)
}

/// Redacts, in one line: the token after `Bearer `, the value after `Authorization`, and a quoted
/// or bare value after a key-like name and `=` or `:`.
fn scrub_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let lower = line.to_ascii_lowercase();
    let mut i = 0;
    while i < line.len() {
        let rest_lower = &lower[i..];
        if rest_lower.starts_with("bearer ") {
            out.push_str(&line[i..i + 7]);
            i += 7;
            let token_len: usize = line[i..].chars().take_while(|c| is_token_char(*c)).map(char::len_utf8).sum();
            if token_len > 0 {
                out.push_str(REDACTED);
                i += token_len;
            }
            continue;
        }
        if let Some(name_len) = key_name_at(line, &lower, i) {
            out.push_str(&line[i..i + name_len]);
            i += name_len;
            i = redact_value(line, i, &mut out);
            continue;
        }
        let c = line[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// The length of a key-like name starting at `i` (at a word start), if there is one.
fn key_name_at(line: &str, lower: &str, i: usize) -> Option<usize> {
    let starts_word = line[..i].chars().next_back().is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
    if !starts_word {
        return None;
    }
    let word_len: usize = line[i..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').map(char::len_utf8).sum();
    let word = &lower[i..i + word_len];
    let key_like = word == "authorization"
        || word.ends_with("api_key")
        || word.ends_with("apikey")
        || word.ends_with("api-key")
        || word.ends_with("_token")
        || word == "token"
        || word.ends_with("secret")
        || word.ends_with("password");
    key_like.then_some(word_len)
}

/// After a key-like name: skips a closing quote, `:`/`=` and spaces, then redacts the value (a
/// quoted string, or a bare token). Returns where scanning goes on.
fn redact_value(line: &str, mut i: usize, out: &mut String) -> usize {
    let bytes = line.as_bytes();
    let start = i;
    while i < bytes.len() && (bytes[i] == b'\'' || bytes[i] == b'"') {
        i += 1;
    }
    let mut saw_separator = false;
    while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b':' || bytes[i] == b'=') {
        saw_separator |= bytes[i] != b' ';
        i += 1;
    }
    if !saw_separator {
        out.push_str(&line[start..i]);
        return i;
    }
    out.push_str(&line[start..i]);
    if i < bytes.len() && (bytes[i] == b'\'' || bytes[i] == b'"') {
        let quote = bytes[i];
        out.push(quote as char);
        let end = line[i + 1..].find(quote as char).map(|e| i + 1 + e).unwrap_or(line.trim_end_matches('\n').len());
        if end > i + 1 {
            out.push_str(REDACTED);
        }
        return end;
    }
    // `Authorization: Bearer …` is left to the Bearer rule.
    if line[i..].to_ascii_lowercase().starts_with("bearer ") {
        return i;
    }
    let token_len: usize = line[i..].chars().take_while(|c| is_token_char(*c)).map(char::len_utf8).sum();
    if token_len >= MIN_SECRET_LEN {
        out.push_str(REDACTED);
        return i + token_len;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_patterns_are_removed_and_ordinary_text_is_kept() {
        let rich = "│ auth_headers = {'Authorization': 'Bearer wk-live-0123456789abcdef'} │\n│ weco_api_key = 'wk-live-0123456789abcdef' │\n";
        let clean = scrub(rich);
        assert!(!clean.contains("0123456789abcdef"), "{clean}");
        assert!(clean.contains("weco_api_key = '[REDACTED]'") && clean.contains("'Authorization': '[REDACTED]'"), "{clean}");
        assert_eq!(scrub("curl -H 'X: Bearer abcdef123456'"), "curl -H 'X: Bearer [REDACTED]'");
        let http = r#"{"error": "bad key", "headers": {"Authorization": "Bearer sk-abcdefghijkl"}, "api_key": "sk-abcdefghijkl"}"#;
        assert!(!scrub(http).contains("sk-abcdefghijkl"), "{}", scrub(http));
        assert_eq!(scrub("speedup: 2.5\nTraceback: KeyError: 'x'\n"), "speedup: 2.5\nTraceback: KeyError: 'x'\n");
        assert_eq!(scrub("max_tokens = 5; the token count"), "max_tokens = 5; the token count");
        assert!(matches!(scrub("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn values_of_key_variables_are_removed_wherever_they_appear() {
        let name = "WECO_REDACT_TEST_LLM_KEY_VAR";
        // SAFETY: a variable no other test reads; set before the scrub that looks it up.
        unsafe { std::env::set_var(name, "plainvalue-42-zz") };
        assert!(scrub("echo plainvalue-42-zz").contains("plainvalue-42-zz"), "not a key variable yet");
        register_key_variable(name);
        assert_eq!(scrub("echo plainvalue-42-zz done"), "echo [REDACTED] done");
    }
}
