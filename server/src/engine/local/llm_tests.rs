//! The llm proposer against a scripted stand-in HTTP server on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use super::*;
use crate::engine::Goal;
use crate::engine::local::runs::Node;

/// Serves one scripted raw HTTP response per connection, in order; returns the requests it received.
fn stand_in_server(responses: Vec<String>) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base_url = format!("http://{}/v1", listener.local_addr().expect("addr"));
    let handle = std::thread::spawn(move || {
        let mut requests = Vec::new();
        for response in responses {
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut head = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).expect("header line");
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().expect("length");
                }
                head.push_str(&line);
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).expect("body");
            requests.push(format!("{head}{}", String::from_utf8_lossy(&body)));
            let mut stream = stream;
            stream.write_all(response.as_bytes()).expect("respond");
        }
        requests
    });
    (base_url, handle)
}

fn json_reply(content: &str) -> String {
    let body = serde_json::json!({"choices": [{"message": {"role": "assistant", "content": content}}]}).to_string();
    format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len())
}

fn chunked_reply(content: &str) -> String {
    let body = serde_json::json!({"choices": [{"message": {"content": content}}]}).to_string();
    let (a, b) = body.split_at(body.len() / 2);
    format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n", a.len(), b.len())
}

fn view() -> SearchView {
    SearchView {
        nodes: vec![Node {
            id: 0,
            parent: None,
            plan: None,
            metric: Some(1.0),
            status: NodeStatus::Evaluated,
            error: None,
            eval_seconds: 0.1,
            code: "def f(a, b):\n    return [x for x in a if x in b]\n".into(),
        }],
        best: 0,
        goal: Goal::Maximize,
        metric: "speedup".into(),
        next_step: 1,
        last_output_tail: "speedup: 1.0".into(),
        additional_instructions: Some("keep it short".into()),
        function: Some("f".into()),
        source_file: "optimize.py".into(),
    }
}

const GOOD: &str = "Use a set for membership.\n\n```python\ndef f(a, b):\n    s = set(b)\n    return [x for x in a if x in s]\n```\n";

#[test]
fn scripted_replies_become_candidates_or_failed_nodes_without_crashing() {
    let key_var = format!("WECO_LSP_TEST_LLM_KEY_{}", std::process::id());
    // SAFETY: a variable unique to this test process and name; nothing else reads or writes it.
    unsafe { std::env::set_var(&key_var, "sk-test-secret") };
    let responses = vec![
        json_reply(GOOD),
        "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!".to_string(),
        "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 13\r\n\r\nmodel crashed".to_string(),
        json_reply("I think you should use a set, good luck."),
        json_reply("```python\ndef f(a, b:\n    return\n```"),
        chunked_reply(GOOD),
    ];
    let (base_url, server) = stand_in_server(responses);
    let settings = LlmSettings { base_url, model: "tiny".into(), api_key_env: Some(key_var) };
    let mut proposer = LlmProposer::new(settings, Some(Language::Python));
    let view = view();

    let Proposal::Candidate { parent, plan, code } = proposer.propose(&view) else { panic!("good reply must be a candidate") };
    assert_eq!(parent, 0);
    assert_eq!(plan.as_deref(), Some("Use a set for membership."));
    assert!(code.contains("s = set(b)"));

    let expectations = ["not JSON", "HTTP 500: model crashed", "no code block", "does not parse"];
    for expected in expectations {
        match proposer.propose(&view) {
            Proposal::Failed { error, .. } => assert!(error.contains(expected), "{error} should mention {expected}"),
            other => panic!("expected a failed node for {expected}, got {other:?}"),
        }
    }
    assert!(matches!(proposer.propose(&view), Proposal::Candidate { .. }), "chunked replies are decoded");

    let requests = server.join().expect("server");
    assert!(requests[0].starts_with("POST /v1/chat/completions HTTP/1.1"));
    assert!(requests[0].contains("Authorization: Bearer sk-test-secret"));
    assert!(requests[0].contains("\"model\":\"tiny\""));
    assert!(requests[0].contains("keep it short") && requests[0].contains("x in b"));
}

#[test]
fn unreachable_and_https_endpoints_are_failed_nodes() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    for base_url in [closed, "https://api.example.com/v1".to_string()] {
        let settings = LlmSettings { base_url, model: "m".into(), api_key_env: None };
        let proposal = LlmProposer::new(settings, Some(Language::Python)).propose(&view());
        assert!(matches!(proposal, Proposal::Failed { .. }), "{proposal:?}");
    }
}

#[test]
fn replies_parse_from_the_last_fenced_block_or_the_whole_text() {
    let two_blocks = "Plan A\n```\nx = 1\n```\nBetter:\n```python\nx = 2\n```";
    let (plan, code) = parse_reply(two_blocks, Some(Language::Python)).expect("parsed");
    assert_eq!(code, "x = 2\n");
    assert_eq!(plan.as_deref(), Some("Plan A ``` x = 1 ``` Better:"));
    assert_eq!(parse_reply("x = 3\n", Some(Language::Python)).expect("bare code").1, "x = 3\n");
    assert!(parse_reply("```python\nx = 1\n", Some(Language::Python)).is_err(), "unterminated");
    assert!(parse_reply("", Some(Language::Python)).is_err(), "empty");
}
