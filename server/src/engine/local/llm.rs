//! The `llm` proposer: asks any OpenAI-compatible chat-completions endpoint for the next candidate, over a
//! minimal blocking HTTP/1.1 client (plain `http://` only, e.g. a local model server or proxy).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::proposer::{Proposal, Proposer, SearchView};
use super::rewrites::parses_cleanly;
use super::runs::NodeStatus;
use crate::analysis::Language;

/// Where to ask and with which model. The key is read from the environment variable NAMED here, at request
/// time, and is never logged or written anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlmSettings {
    /// `http://127.0.0.1:8080/v1` (the proposer appends `/chat/completions`).
    pub base_url: String,
    pub model: String,
    pub api_key_env: Option<String>,
}

const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);
const MAX_RESPONSE_BYTES: u64 = 16 << 20;

pub struct LlmProposer {
    settings: LlmSettings,
    language: Option<Language>,
    /// Failed steps already given one debugging attempt.
    debugged: Vec<u32>,
}

impl LlmProposer {
    pub fn new(settings: LlmSettings, language: Option<Language>) -> LlmProposer {
        LlmProposer { settings, language, debugged: Vec::new() }
    }

    fn prompt(&self, view: &SearchView, parent: u32, debugging: bool) -> String {
        let language = self.language.map_or("source", |l| l.name());
        let parent_node = view.node(parent);
        let mut prompt = format!(
            "Optimize `{}` in the {language} file `{}`. The evaluation prints `{}: <number>`; the goal is to {} it.\n",
            view.function.as_deref().unwrap_or("the hot code"),
            view.source_file,
            view.metric,
            if view.goal == crate::engine::Goal::Maximize { "maximize" } else { "minimize" },
        );
        prompt.push_str("Behaviour must stay identical: same results, same public names and signatures.\n");
        if let Some(extra) = &view.additional_instructions {
            prompt.push_str(&format!("Additional instructions: {extra}\n"));
        }
        prompt.push_str("\nAttempts so far:\n");
        for node in &view.nodes {
            let outcome = match (node.status, node.metric) {
                (_, Some(metric)) => format!("{} = {metric}", view.metric),
                _ => format!("failed: {}", node.error.as_deref().unwrap_or("unknown error")),
            };
            let plan = node.plan.as_deref().unwrap_or(if node.id == 0 { "baseline" } else { "(no plan)" });
            prompt.push_str(&format!("- step {}: {} -> {outcome}\n", node.id, one_line(plan)));
        }
        if debugging {
            let error = parent_node.and_then(|n| n.error.as_deref()).unwrap_or("unknown error");
            prompt.push_str(&format!("\nThis candidate failed with: {error}\nFix it while keeping its speedup idea.\n"));
        } else {
            prompt.push_str("\nImprove on this best version so far. Try an idea not tried above.\n");
        }
        if let Some(node) = parent_node {
            prompt.push_str(&format!("\n```{language}\n{}\n```\n", node.code.trim_end()));
        }
        if !view.last_output_tail.trim().is_empty() {
            prompt.push_str(&format!("\nEnd of the last evaluation output:\n```\n{}\n```\n", view.last_output_tail.trim_end()));
        }
        prompt.push_str("\nReply with a short plan (one paragraph), then the COMPLETE new file in one fenced code block.\n");
        prompt
    }
}

fn one_line(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 200 { line.chars().take(200).collect::<String>() + "…" } else { line }
}

impl Proposer for LlmProposer {
    fn propose(&mut self, view: &SearchView) -> Proposal {
        // Debug the latest candidate once if it failed after producing code; otherwise improve the best.
        let last = view.nodes.last();
        let debug_target = last.filter(|n| {
            n.id != 0
                && n.status == NodeStatus::Failed
                && !n.code.is_empty()
                && !self.debugged.contains(&n.id)
                && n.parent.is_none_or(|p| !self.debugged.contains(&p))
        });
        let (parent, debugging) = match debug_target {
            Some(node) => {
                self.debugged.push(node.id);
                (node.id, true)
            }
            None => (view.best, false),
        };
        let prompt = self.prompt(view, parent, debugging);
        let reply = match chat_completion(&self.settings, &prompt) {
            Ok(reply) => reply,
            Err(error) => return Proposal::Failed { parent, plan: None, error },
        };
        let parent_code = view.node(parent).map(|n| n.code.as_str()).unwrap_or_default();
        match parse_reply(&reply, self.language) {
            Ok((plan, code)) if code.trim() == parent_code.trim() => Proposal::Failed { parent, plan, error: "The model returned the code unchanged.".into() },
            Ok((plan, code)) => Proposal::Candidate { parent, plan, code },
            Err(error) => Proposal::Failed { parent, plan: None, error },
        }
    }
}

/// The plan (text before the code) and the code: the last complete fenced block, else the whole reply if it
/// parses as the target language.
pub fn parse_reply(reply: &str, language: Option<Language>) -> Result<(Option<String>, String), String> {
    let lines: Vec<&str> = reply.lines().collect();
    let mut last_block: Option<(usize, usize)> = None;
    let mut open: Option<usize> = None;
    for (index, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("```") {
            match open {
                None => open = Some(index),
                Some(start) => {
                    last_block = Some((start, index));
                    open = None;
                }
            }
        }
    }
    let (plan, code) = match last_block {
        Some((start, end)) => {
            let plan = lines[..start].join("\n").trim().to_string();
            let mut code = lines[start + 1..end].join("\n");
            code.push('\n');
            (plan, code)
        }
        None if reply.contains("```") => return Err("The reply has an unterminated code block.".into()),
        None => (String::new(), format!("{}\n", reply.trim_end())),
    };
    if code.trim().is_empty() {
        return Err("The reply contains no code.".into());
    }
    if let Some(language) = language
        && !parses_cleanly(language, &code)
    {
        return Err(if last_block.is_some() {
            format!("The proposed code does not parse as {}.", language.name())
        } else {
            "The reply contains no code block.".into()
        });
    }
    let plan = (!plan.is_empty()).then(|| one_line(&plan));
    Ok((plan, code))
}

/// POSTs one chat request; returns the assistant message text or a one-line error (never containing the key).
pub fn chat_completion(settings: &LlmSettings, prompt: &str) -> Result<String, String> {
    let rest = settings
        .base_url
        .strip_prefix("http://")
        .ok_or_else(|| format!("Only http:// endpoints are supported by the local llm proposer (got {}).", settings.base_url))?;
    let (authority, base_path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let address = if authority.contains(':') { authority.to_string() } else { format!("{authority}:80") };
    let path = format!("/{}/chat/completions", base_path.trim_end_matches('/')).replace("//", "/");
    let body = serde_json::json!({
        "model": settings.model,
        "messages": [
            {"role": "system", "content": "You are an expert performance engineer. You rewrite code to run faster without changing its behaviour."},
            {"role": "user", "content": prompt},
        ],
    })
    .to_string();
    if let Some(name) = settings.api_key_env.as_deref() {
        crate::redact::register_key_variable(name);
    }
    let key = settings.api_key_env.as_deref().and_then(|name| std::env::var(name).ok()).filter(|k| !k.is_empty());
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nAccept: application/json\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(key) = key {
        request.push_str(&format!("Authorization: Bearer {key}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(&body);

    let connect_error = |e: std::io::Error| format!("Could not reach the model endpoint {}: {e}", settings.base_url);
    let addresses = std::net::ToSocketAddrs::to_socket_addrs(&address).map_err(connect_error)?.collect::<Vec<_>>();
    let first = addresses.first().ok_or_else(|| format!("Could not resolve {authority}"))?;
    let mut stream = TcpStream::connect_timeout(first, Duration::from_secs(10)).map_err(connect_error)?;
    stream.set_read_timeout(Some(REQUEST_TIMEOUT)).map_err(connect_error)?;
    stream.set_write_timeout(Some(REQUEST_TIMEOUT)).map_err(connect_error)?;
    stream.write_all(request.as_bytes()).map_err(connect_error)?;
    let mut raw = Vec::new();
    stream.take(MAX_RESPONSE_BYTES).read_to_end(&mut raw).map_err(|e| format!("Reading the model's answer failed: {e}"))?;
    let (status, body) = split_response(&raw)?;
    if status != 200 {
        // An endpoint may echo the request (its Authorization header included) in an error body.
        let body = crate::redact::scrub(&String::from_utf8_lossy(&body)).into_owned();
        return Err(format!("The model endpoint answered HTTP {status}: {}", one_line(&body)));
    }
    let json: serde_json::Value = serde_json::from_slice(&body).map_err(|e| format!("The model endpoint's answer is not JSON: {e}"))?;
    json["choices"][0]["message"]["content"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "The model endpoint's answer has no choices[0].message.content.".to_string())
}

/// Status code and (de-chunked) body of a raw HTTP/1.1 response.
fn split_response(raw: &[u8]) -> Result<(u16, Vec<u8>), String> {
    let header_end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("The model endpoint sent an incomplete HTTP response.")?;
    let head = String::from_utf8_lossy(&raw[..header_end]);
    let status = head
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or("The model endpoint sent a malformed status line.")?;
    let chunked = head.lines().any(|l| {
        let lower = l.to_ascii_lowercase();
        lower.starts_with("transfer-encoding:") && lower.contains("chunked")
    });
    let body = &raw[header_end + 4..];
    if !chunked {
        return Ok((status, body.to_vec()));
    }
    let mut out = Vec::new();
    let mut rest = body;
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n").ok_or("Truncated chunked response.")?;
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16).map_err(|_| "Malformed chunk size in the response.")?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok((status, out));
        }
        let chunk = rest.get(..size).ok_or("Truncated chunked response.")?;
        out.extend_from_slice(chunk);
        rest = rest.get(size + 2..).unwrap_or_default();
    }
}

#[cfg(test)]
#[path = "llm_tests.rs"]
mod tests;
