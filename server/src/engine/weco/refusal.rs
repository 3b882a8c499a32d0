//! What Weco's service refused, read from weco's own words: out of credits (HTTP 402), a key that is no
//! longer valid (401), or anything else (validation, ...), each with the next step for the user.
//!
//! weco 0.4.0 prints a refused run creation untagged before `Run ID:` (message, suggestion, `key: value`
//! extras) and a refused submit as `[ERROR] <message>` plus the same extras; the HTTP status itself is not
//! printed, so the whole block is classified, never only its last line.

/// Where to add credits (weco's dashboard; `weco credits topup` opens the same page).
pub const TOP_UP_URL: &str = "https://dashboard.weco.ai";

/// Why the service said no.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Credits { detail: String },
    Auth { detail: String },
    Other { detail: String },
}

/// Classifies the lines weco printed for a refusal (`None` when there is nothing to read).
pub fn classify(lines: &[String]) -> Option<Refusal> {
    let lines: Vec<&str> = lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty() && !is_noise(l)).collect();
    if lines.is_empty() {
        return None;
    }
    let detail = summarize(&lines);
    let text = lines.join("\n").to_lowercase();
    let credits = ["insufficient credit", "out of credits", "not enough credits", "credits", "balance:", "payment required", "402"];
    let auth = ["invalid api key", "api key", "unauthorized", "not authenticated", "authentication failed", "revoked", "expired", "401", "log in again"];
    Some(if credits.iter().any(|n| text.contains(n)) {
        Refusal::Credits { detail }
    } else if auth.iter().any(|n| text.contains(n)) {
        Refusal::Auth { detail }
    } else {
        Refusal::Other { detail }
    })
}

impl Refusal {
    /// The user-facing sentence with the next step; `run_id` is set when the run exists and can be resumed.
    pub fn message(&self, run_id: Option<&str>) -> String {
        let then = match run_id {
            Some(id) => format!("then continue the run with `weco resume {id}`"),
            None => "then start the optimization again".to_string(),
        };
        match self {
            Refusal::Credits { detail } => format!(
                "Your Weco credits are used up (Weco said: {detail}). Top up at {TOP_UP_URL} or with `weco credits topup` in a terminal, {then}; or use the local engine."
            ),
            Refusal::Auth { detail } => {
                format!("Your Weco login is no longer valid (Weco said: {detail}). Run `weco login` in a terminal (or set a new WECO_API_KEY), {then}.")
            }
            Refusal::Other { detail } => match run_id {
                Some(_) => format!("Weco refused the request (Weco said: {detail}). Fix what it names, {then}."),
                None => format!("Weco refused to start the run (Weco said: {detail}). Nothing was evaluated; fix what it names, {then}."),
            },
        }
    }
}

/// Lines weco prints around a refusal that say nothing about it.
fn is_noise(line: &str) -> bool {
    line.starts_with("====") || line.starts_with("Starting Optimization") || line.starts_with("[stderr]")
}

/// The first lines, joined into one sentence-sized piece (weco's message, suggestion and extras).
fn summarize(lines: &[&str]) -> String {
    let joined = lines.iter().take(4).map(|l| l.trim_end_matches('.')).collect::<Vec<_>>().join("; ");
    if joined.chars().count() > 300 { format!("{}…", joined.chars().take(300).collect::<String>()) } else { joined }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(String::from).collect()
    }

    #[test]
    fn a_402_block_is_about_credits_and_names_the_top_up() {
        let refusal = classify(&lines("Insufficient credits to start this run.\nAdd credits to your account to continue.\nbalance: 0")).unwrap();
        assert!(matches!(refusal, Refusal::Credits { .. }));
        let message = refusal.message(None);
        assert!(message.starts_with("Your Weco credits are used up"), "{message}");
        assert!(message.contains(TOP_UP_URL) && message.contains("balance: 0"), "{message}");
        assert!(refusal.message(Some("r-1")).contains("weco resume r-1"));
    }

    #[test]
    fn a_401_block_asks_for_weco_login_and_anything_else_is_quoted() {
        let auth = classify(&lines("Invalid API key")).unwrap();
        assert!(auth.message(None).contains("run `weco login`") || auth.message(None).contains("Run `weco login`"));
        let other = classify(&lines("metric_name must not be empty\nloc: ['body', 'objective']")).unwrap();
        assert!(matches!(other, Refusal::Other { .. }));
        assert!(other.message(None).contains("metric_name must not be empty"), "{}", other.message(None));
        assert_eq!(classify(&lines("\n=====\n")), None);
    }
}
