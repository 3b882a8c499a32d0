//! Reading LSP frames from stdin and passing on only well-formed JSON-RPC messages.
//!
//! tower-lsp's reader stops for good at the first frame it cannot decode (the framed stream
//! terminates after an error), so one malformed message would end the session. This filter
//! sits in front of it: it re-frames the byte stream, drops messages that are not valid
//! JSON-RPC 2.0 (logging why), resynchronises on the next `Content-Length` header after
//! garbage, and forwards the rest unchanged. Header names match case-insensitively, as the
//! base protocol's HTTP-style headers do.
//!
//! A malformed *request* that still carries a usable id must get an answer, or the client waits
//! forever. Only tower-lsp writes to stdout, so instead of answering here the filter forwards it
//! as a call of [`INVALID_REQUEST_METHOD`] (same id, the reason as params), whose handler answers
//! with a JSON-RPC "invalid request" error.

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The internal method a malformed request with an id is turned into (see the module docs).
pub const INVALID_REQUEST_METHOD: &str = "weco/_invalidRequest";

/// Largest message accepted (a 10 MB file sent in `didOpen` fits comfortably).
const MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;

/// Copies well-formed frames from `input` to `output` until `input` ends.
pub async fn filter_frames(mut input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut buffer: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        // Forward every complete frame in the buffer.
        loop {
            match next_frame(&buffer) {
                Frame::Incomplete => break,
                Frame::Garbage(skip) => {
                    tracing::warn!("dropping {skip} bytes of input that are not an LSP frame");
                    buffer.drain(..skip);
                }
                Frame::Complete { header_len, body_len } => {
                    let end = header_len + body_len;
                    let body = &buffer[header_len..end];
                    let forwarded = match check_message(body) {
                        Ok(()) => Some(body.to_vec()),
                        Err(why) => match answerable_id(body) {
                            Some(id) => {
                                tracing::warn!("answering a malformed JSON-RPC request with an error ({why})");
                                let call = serde_json::json!({"jsonrpc": "2.0", "id": id, "method": INVALID_REQUEST_METHOD, "params": {"reason": why}});
                                Some(call.to_string().into_bytes())
                            }
                            None => {
                                tracing::warn!("dropping a malformed JSON-RPC message ({why})");
                                None
                            }
                        },
                    };
                    if let Some(body) = forwarded {
                        let header = format!("Content-Length: {}\r\n\r\n", body.len());
                        if output.write_all(header.as_bytes()).await.is_err() || output.write_all(&body).await.is_err() {
                            return;
                        }
                        let _ = output.flush().await;
                    }
                    buffer.drain(..end);
                }
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Frame {
    Incomplete,
    /// This many leading bytes cannot start a frame.
    Garbage(usize),
    Complete {
        header_len: usize,
        body_len: usize,
    },
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

/// The id of a malformed message that is a request (not a response) and has a number or string
/// id, so that an error can be sent back for it.
fn answerable_id(body: &[u8]) -> Option<Value> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    if object.contains_key("result") || object.contains_key("error") {
        return None;
    }
    object.get("id").filter(|id| id.is_number() || id.is_string()).cloned()
}

fn next_frame(buffer: &[u8]) -> Frame {
    const HEADER: &[u8] = b"Content-Length:";
    match find_ignoring_case(buffer, HEADER) {
        Some(0) => {}
        Some(start) => return Frame::Garbage(start),
        None if buffer.len() > HEADER.len() => return Frame::Garbage(buffer.len() - HEADER.len()),
        None => return Frame::Incomplete,
    }
    let Some(header_end) = find(buffer, b"\r\n\r\n") else {
        // A header block this long is not one.
        return if buffer.len() > 4096 { Frame::Garbage(HEADER.len()) } else { Frame::Incomplete };
    };
    let headers = String::from_utf8_lossy(&buffer[..header_end]);
    let length = headers
        .lines()
        .find_map(|line| line.get(..HEADER.len()).filter(|name| name.eq_ignore_ascii_case("Content-Length:")).map(|_| &line[HEADER.len()..]))
        .and_then(|v| v.trim().parse::<usize>().ok());
    match length {
        Some(len) if len <= MAX_MESSAGE_BYTES => {
            let header_len = header_end + 4;
            if buffer.len() < header_len + len { Frame::Incomplete } else { Frame::Complete { header_len, body_len: len } }
        }
        _ => Frame::Garbage(HEADER.len()),
    }
}

/// Accepts what tower-lsp can decode: a JSON-RPC 2.0 request, notification or response.
fn check_message(body: &[u8]) -> Result<(), String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let object = value.as_object().ok_or("not a JSON object")?;
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err("`jsonrpc` is not \"2.0\"".into());
    }
    if let Some(id) = object.get("id")
        && !(id.is_number() || id.is_string() || id.is_null())
    {
        return Err("`id` is neither a number nor a string".into());
    }
    if let Some(params) = object.get("params")
        && !(params.is_object() || params.is_array() || params.is_null())
    {
        return Err("`params` is neither an object nor an array".into());
    }
    match object.get("method") {
        Some(Value::String(_)) => Ok(()),
        Some(_) => Err("`method` is not a string".into()),
        None if object.contains_key("id") && (object.contains_key("result") || object.contains_key("error")) => Ok(()),
        None => Err("neither a request, a notification nor a response".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    #[tokio::test]
    async fn malformed_messages_and_garbage_are_dropped_and_the_rest_pass_unchanged() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#;
        let note = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let mut input = Vec::new();
        input.extend(frame(good));
        input.extend(frame(r#"{"jsonrpc": 2}"#));
        input.extend(frame("not json!"));
        input.extend(b"random noise \xff\xfe");
        input.extend(frame(r#"{"jsonrpc":"2.0","id":{},"method":"x"}"#));
        input.extend(b"Content-Length: nonsense\r\n\r\n");
        input.extend(frame(note));
        let mut output = Vec::new();
        filter_frames(&input[..], &mut output).await;
        let mut expected = frame(good);
        expected.extend(frame(note));
        assert_eq!(String::from_utf8_lossy(&output), String::from_utf8_lossy(&expected));
    }

    #[tokio::test]
    async fn header_names_match_in_any_case() {
        let body = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!("content-length: {}\r\nCONTENT-TYPE: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{body}", body.len());
        let mut output = Vec::new();
        filter_frames(input.as_bytes(), &mut output).await;
        assert_eq!(String::from_utf8_lossy(&output), String::from_utf8_lossy(&frame(body)));
    }

    #[tokio::test]
    async fn a_malformed_request_with_an_id_becomes_a_call_that_is_answered_with_an_error() {
        let mut input = frame(r#"{"jsonrpc":"1.0","id":7,"method":"textDocument/hover"}"#);
        input.extend(frame(r#"{"jsonrpc":"2.0","id":"x","method":"m","params":5}"#));
        // A malformed response is not answered: answering a response would be a protocol error.
        input.extend(frame(r#"{"jsonrpc":"1.0","id":8,"result":null}"#));
        let mut output = Vec::new();
        filter_frames(&input[..], &mut output).await;
        let text = String::from_utf8_lossy(&output).to_string();
        let bodies: Vec<Value> =
            text.split("Content-Length: ").filter(|s| !s.is_empty()).map(|s| serde_json::from_str(s.split_once("\r\n\r\n").unwrap().1).unwrap()).collect();
        assert_eq!(bodies.len(), 2, "{text}");
        assert_eq!(bodies[0]["id"], 7);
        assert_eq!(bodies[0]["method"], INVALID_REQUEST_METHOD);
        assert!(bodies[0]["params"]["reason"].as_str().unwrap().contains("jsonrpc"));
        assert_eq!(bodies[1]["id"], "x");
    }

    #[test]
    fn partial_frames_wait_for_more_bytes() {
        let whole = frame(r#"{"jsonrpc":"2.0","method":"a"}"#);
        assert_eq!(next_frame(&whole[..10]), Frame::Incomplete);
        assert_eq!(next_frame(&whole[..whole.len() - 1]), Frame::Incomplete);
        assert!(matches!(next_frame(&whole), Frame::Complete { .. }));
    }
}
