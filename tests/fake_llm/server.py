"""A stand-in OpenAI-compatible chat-completions endpoint with scripted replies, for tests.

Usage: server.py --reply FILE [--reply FILE ...] [--log FILE]
Each POST .../chat/completions gets the next scripted reply as the assistant message (the last
one repeats). A reply file containing exactly `HTTP 500` answers with a server error instead;
`HTTP 401 ECHO` answers 401 with a body that echoes the request's Authorization header, as some
endpoints and proxies do (a test checks the key still never reaches a file or a message).
Prints `PORT <n>` once listening. The Authorization header of each request is written to --log
(so a test can check the key arrives) but never printed.
"""
import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        state = self.server.state
        if state["log"]:
            with open(state["log"], "a") as log:
                log.write(json.dumps({"authorization": self.headers.get("Authorization"), "model": body.get("model"),
                                      "messages": len(body.get("messages", []))}) + "\n")
        replies = state["replies"]
        reply = replies[min(state["count"], len(replies) - 1)]
        state["count"] += 1
        if reply.strip() == "HTTP 401 ECHO":
            payload = json.dumps({"error": {"message": "invalid key", "request": {"headers": {"Authorization": self.headers.get("Authorization")}}}}).encode()
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        if reply.strip() == "HTTP 500":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"internal error")
            return
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": reply}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reply", action="append", required=True)
    parser.add_argument("--log")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.state = {"replies": [open(p).read() for p in args.reply], "count": 0, "log": args.log}
    sys.stdout.write(f"PORT {server.server_address[1]}\n")
    sys.stdout.flush()
    server.serve_forever(poll_interval=0.05)


if __name__ == "__main__":
    main()
