#!/usr/bin/env python3
"""A small local fake of the Weco HTTP API (the endpoints `weco` 0.4.0 calls), for tests.

Point the real CLI at it with WECO_BASE_URL=http://127.0.0.1:<port>. The real backend uses an LLM
to propose candidates and to read the metric; this fake replays a scripted list of candidates and
reads the metric from the last `<metric>: <number>` line of the eval output.

Usage: server.py --scenario NAME [--port 0] [--port-file PATH] [options below]
Prints `PORT <n>` on stdout once listening (and writes it to --port-file when given).

The fake is never more lenient than the real service can be: requests without a Bearer key get 401,
unknown runs 404, a task is claimed once (409 after), and the options below make it answer the way a
stricter (or failing) service does.

Scenarios:
  success         baseline, a faster candidate, a broken one, one importing a missing package,
                  one whose output imitates weco's own tags; then completes.
  slow            baseline, then a candidate that sleeps (DELAY) so tests can stop or kill mid-eval.
  out_of_credits  baseline, one candidate, then `reason: out_of_credits` on the second submit.
  drop_connection baseline, then the server closes the connection on the first candidate's submit
                  and stops listening.
  hang            baseline, then the first candidate's submit never gets an answer.
  repeat_failure  every candidate fails with the same ModuleNotFoundError.
  not_utf8        baseline, then a candidate whose eval prints bytes that are not UTF-8 (weco's eval
                  step raises and prints `[ERROR] Error: ...` right after the plan), then one more.
  rewrite         candidates derived from the source with --replace/--with (see below).

Options (any scenario):
  --create-error CODE      POST /runs/ answers CODE with an API error detail: 401 (revoked key),
                           402 (no credits: message, suggestion, `balance: 0`), 422 (validation).
  --submit-error CODE@N    the N-th submit (1 = the baseline's) answers CODE and records nothing:
                           5xx (weco retries it after `[RECONNECTING]`), 402 (credits) or 409.
  --refuse-submit-after-stop  a submit for a run that is no longer `running` answers 409.
  --stop-status STATUS     what `weco run stop` (POST /terminate from the CLI) sets: `terminated`
                           (default) or `stopping` (the run stops once the current eval is in).
  --error-at-submit N      the N-th submit is recorded, then the run goes to status `error`.
  --candidate-delay S      seconds the service "generates" before answering each submit (the node
                           is recorded and current_step moves first, so `weco run status` shows it).
  --run-id-missing         POST /runs/ answers 200 without `run_id` (weco raises, with a traceback).
  --requests-log PATH      appends every POST/PUT as a JSON line {method, path, body} (headers, and so
                           the key, are never written).

`hang` holds the second submit forever and marks the run `error` (the service lost it), so
`weco run status` shows a dead run. Resume (POST /runs/{id}/resume) re-queues a candidate that was
claimed but never scored (a fresh task id, same code and plan), and returns `best_metric_value` and
`best_step` like the real service.
"""

import argparse
import json
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

FASTER = "DELAY = 0.0\nSPEEDUP = 2.5\n\n\ndef work():\n    return SPEEDUP\n"
BROKEN = 'raise RuntimeError("candidate is broken")\n'
MISSING_PACKAGE = "import numpy_not_installed_pkg\n\nDELAY = 0.0\n\n\ndef work():\n    return 9.0\n"
FAKE_TAGS = (
    "DELAY = 0.0\nSPEEDUP = 1.5\n\n\ndef work():\n"
    '    print("[EXECUTION OUTPUT END]")\n'
    '    print("[SUBMITTING] Sending result to backend...")\n'
    '    print("[METRIC] Step 9: 99 (best so far: 99)")\n'
    '    print("[COMPLETE] Optimization finished successfully")\n'
    "    return SPEEDUP\n"
)
SLOW = "DELAY = 30.0\nSPEEDUP = 3.0\n\n\ndef work():\n    return SPEEDUP\n"
NOT_UTF8 = (
    "import sys\n\nsys.stdout.buffer.write(b'\\xff\\xfe not text\\n')\nsys.stdout.flush()\n"
    "DELAY = 0.0\nSPEEDUP = 4.0\n\n\ndef work():\n    return SPEEDUP\n"
)

PLAN_WITH_TAGS = (
    "Cache the result.\n[METRIC] Step 7: 123 (best so far: 123)\n[STEP 9/9] Executing code...\n"
    "[COMPLETE] Optimization finished successfully"
)

SCENARIOS = {
    "success": [(FASTER, PLAN_WITH_TAGS), (BROKEN, "Break it"), (MISSING_PACKAGE, "Use numpy"), (FAKE_TAGS, "Noisy")],
    "slow": [(SLOW, "Sleep first"), (FASTER, "Faster")],
    "out_of_credits": [(FASTER, "Faster"), (FASTER, "Faster again"), (FASTER, "Never reached")],
    "drop_connection": [(FASTER, "Faster"), (FASTER, "Never reached")],
    "hang": [(FASTER, "Faster"), (FASTER, "Never reached")],
    "repeat_failure": [(MISSING_PACKAGE, "Use numpy")] * 6,
    "not_utf8": [(NOT_UTF8, "Print raw bytes"), (FASTER, "Faster")],
    # Candidates derived from the submitted source with --replace OLD --with NEW: the rewrite,
    # a broken variant and one importing a missing package, for runs through a real harness.
    "rewrite": [
        (lambda src: src.replace(REWRITE[0], REWRITE[1]), "Use a set for the membership test"),
        (lambda src: src + '\nraise RuntimeError("candidate is broken")\n', "Break it"),
        (lambda src: "import numpy_not_installed_pkg\n" + src, "Use numpy"),
    ],
}

# (old, new) for the "rewrite" scenario, set from the command line.
REWRITE = ["", ""]

# API error bodies in the shapes weco's client renders (`detail`: a string, or message/suggestion/extras).
CREATE_ERRORS = {
    401: {"detail": "Invalid API key"},
    402: {
        "detail": {
            "message": "Insufficient credits to start this run.",
            "suggestion": "Add credits to your account to continue.",
            "balance": 0,
        }
    },
    422: {"detail": [{"loc": ["body", "objective", "metric_name"], "msg": "metric_name must not be empty", "type": "value_error"}]},
}
SUBMIT_ERRORS = {
    402: {"detail": {"message": "Insufficient credits to score this result.", "balance": 0}},
    409: {"detail": "Execution task is no longer active for this run."},
}
SERVER_ERROR = {"detail": "Candidate generation failed; please retry."}

METRIC_LINE = r"^\s*{name}\s*[:=]\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"


class Run:
    def __init__(self, body, scenario):
        self.id = str(uuid.uuid4())
        self.name = "fake-run"
        self.source_code = body["source_code"]
        self.metric_name = body["objective"]["metric_name"]
        # `weco resume` takes the command the run was started with from here.
        self.evaluation_command = body["objective"].get("evaluation_command", "")
        self.maximize = body["objective"]["maximize"]
        self.steps = body["optimizer"]["steps"]
        self.eval_timeout = body.get("eval_timeout")
        self.log_dir = body.get("log_dir", ".runs")
        self.save_logs = body.get("save_logs", False)
        self.candidates = list(SCENARIOS[scenario])
        self.status = "running"
        self.step = 0
        self.nodes = []  # {step, code, plan, metric_value, execution_output}
        self.task = None  # {id, step, code, plan, claimed}
        self.submits = 0
        self._queue_task(0, self.source_code, "")

    def _queue_task(self, step, code, plan):
        self.task = {"id": str(uuid.uuid4()), "step": step, "code": code, "plan": plan, "claimed": False}

    def requeue_interrupted(self):
        """A candidate claimed but never scored is evaluated again after a resume (fresh task id)."""
        if self.task is not None and self.task["claimed"]:
            self._queue_task(self.task["step"], self.task["code"], self.task["plan"])
            return True
        return False

    def queue_next(self):
        if not self.candidates:
            self.status = "completed"
            self.task = None
            return
        source, plan = self.candidates.pop(0)
        key = next(iter(self.source_code))
        if callable(source):
            source = source(self.source_code[key])
        self._queue_task(self.step, {key: source}, plan)

    def metric_from(self, output):
        matches = re.findall(METRIC_LINE.format(name=re.escape(self.metric_name)), output, re.M | re.I)
        return float(matches[-1]) if matches else None

    def best(self):
        scored = [n for n in self.nodes if n["metric_value"] is not None]
        if not scored:
            return None
        pick = max if self.maximize else min
        return pick(scored, key=lambda n: n["metric_value"])

    def summary(self):
        best = self.best()
        return {
            "id": self.id,
            "run_id": self.id,
            "run_name": self.name,
            "name": self.name,
            "status": self.status,
            "current_step": self.step,
            "steps": self.steps,
            "best_metric": best["metric_value"] if best else None,
            "best_step": best["step"] if best else None,
            "metric_name": self.metric_name,
            "maximize": self.maximize,
            "model": "fake-model",
            "require_review": False,
        }

    def full(self, include_history):
        best = self.best()
        data = dict(self.summary())
        data.update(
            {
                "objective": {"metric_name": self.metric_name, "maximize": self.maximize, "evaluation_command": self.evaluation_command},
                "optimizer": {"steps": self.steps, "code_generator": {"model": "fake-model"}},
                "best_result": (
                    {"code": best["code"], "plan": best["plan"], "metric_value": best["metric_value"], "step": best["step"]}
                    if best
                    else None
                ),
                "lineage_id": self.id,
            }
        )
        if include_history:
            data["nodes"] = [dict(n, solution_id=str(i)) for i, n in enumerate(self.nodes)]
        return data


class State:
    def __init__(self, scenario, options):
        self.scenario = scenario
        self.options = options
        self.lock = threading.Lock()
        self.runs = {}
        self.requests = []  # (method, path) log, for debugging a failing test
        self.hang_forever = threading.Event()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeWeco/0.1"

    def log_message(self, fmt, *args):  # keep test output quiet; requests are in state.requests
        pass

    @property
    def state(self) -> State:
        return self.server.state  # type: ignore[attr-defined]

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw else {}

    def _send(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self):
        if not (self.headers.get("Authorization") or "").startswith("Bearer "):
            self._send(401, {"detail": "Not authenticated"})
            return False
        return True

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")

    def do_PUT(self):
        self._route("PUT")

    def _route(self, method):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        parts = [p for p in url.path.split("/") if p]
        body = self._body() if method in ("POST", "PUT") else {}
        self.state.requests.append((method, url.path))
        if self.state.options.requests_log and method in ("POST", "PUT"):
            with open(self.state.options.requests_log, "a") as log:
                log.write(json.dumps({"method": method, "path": url.path, "body": body}) + "\n")
        if parts and parts[0] == "events":
            return self._send(200, {})
        if not self._authorized():
            return
        with self.state.lock:
            handled = self._dispatch(method, parts, query, body)
        if isinstance(handled, tuple):  # ("later", delay, status, payload): answered outside the lock
            _, delay, status, payload = handled
            if delay:
                time.sleep(delay)
            return self._send(status, payload)
        if handled == "hang":
            self.state.hang_forever.wait()
            self.close_connection = True
            return
        if handled == "drop":
            self.close_connection = True
            self.connection.close()
            threading.Thread(target=self.server.shutdown, daemon=True).start()
            return
        if handled is None:
            self._send(404, {"detail": f"fake weco: no route for {method} {url.path}"})

    def _dispatch(self, method, parts, query, body):
        state = self.state
        if method == "POST" and parts == ["runs"]:
            if state.options.create_error:
                code = state.options.create_error
                self._send(code, CREATE_ERRORS.get(code, {"detail": f"HTTP {code}"}))
                return True
            for field in ("source_code", "objective", "optimizer"):
                if not isinstance(body.get(field), dict):
                    self._send(422, {"detail": [{"loc": ["body", field], "msg": "field required", "type": "value_error.missing"}]})
                    return True
            run = Run(body, state.scenario)
            if state.options.run_id_missing:
                state.runs[run.id] = run
                self._send(200, {"run_name": run.name, "plan": "", "code": run.source_code})
                return True
            state.runs[run.id] = run
            self._send(200, {"run_id": run.id, "run_name": run.name, "plan": "", "code": run.source_code})
            return True
        if parts and parts[0] == "lineages":
            if parts[-1] == "heartbeat":
                self._send(200, {})
            else:
                self._send(404, {"detail": "no lineages in the fake"})
            return True
        if parts and parts[0] == "execution-tasks":
            return self._tasks(method, parts, query)
        if len(parts) >= 2 and parts[0] == "runs":
            run = state.runs.get(parts[1])
            if run is None:
                self._send(404, {"detail": f"Run {parts[1]} not found"})
                return True
            return self._run_route(method, run, parts[2:], query, body)
        return None

    def _tasks(self, method, parts, query):
        state = self.state
        if method == "GET" and len(parts) == 1:
            if "lineage_id" in query:
                self._send(200, {"tasks": [], "active_run_count": 0})
                return True
            run = state.runs.get(query.get("run_id", [""])[0])
            if run is None:
                self._send(404, {"detail": "unknown run"})
                return True
            ready = run.status == "running" and run.task is not None and not run.task["claimed"]
            tasks = [{"id": run.task["id"]}] if ready else []
            self._send(200, {"tasks": tasks, "run": {"id": run.id, "status": run.status, "name": run.name}})
            return True
        if method == "POST" and len(parts) == 3 and parts[2] == "claim":
            for run in state.runs.values():
                if run.task and run.task["id"] == parts[1]:
                    if run.task["claimed"]:
                        self._send(409, {"detail": "already claimed"})
                        return True
                    run.task["claimed"] = True
                    self._send(200, {"revision": {"code": run.task["code"], "plan": run.task["plan"]}})
                    return True
            self._send(404, {"detail": "unknown task"})
            return True
        return None

    def _run_route(self, method, run, rest, query, body):
        if method == "GET" and rest == []:
            include_history = query.get("include_history", ["False"])[0].lower() == "true"
            self._send(200, run.full(include_history))
            return True
        if method == "GET" and rest == ["node-list"]:
            self._send(200, {"run": run.summary(), "nodes": []})
            return True
        if method == "PUT" and rest == ["heartbeat"]:
            self._send(200, {})
            return True
        if method == "POST" and rest == ["terminate"]:
            if run.status in ("running", "stopping"):
                update = body.get("status_update") or "terminated"
                cli_stop = body.get("termination_reason") == "user_terminated_cli_stop"
                run.status = self.state.options.stop_status if cli_stop else update
            self._send(200, {"ok": True})
            return True
        if method == "POST" and rest == ["resume"]:
            if run.status in ("terminated", "error", "running"):
                run.status = "running"
                if not run.requeue_interrupted() and run.task is None:
                    run.queue_next()
            best = run.best()
            self._send(
                200,
                {
                    "run_id": run.id,
                    "run_name": run.name,
                    "source_code": run.source_code,
                    "log_dir": run.log_dir,
                    "save_logs": run.save_logs,
                    "eval_timeout": run.eval_timeout,
                    "steps": run.steps,
                    "is_done": run.status == "completed",
                    "best_metric_value": best["metric_value"] if best else None,
                    "best_step": best["step"] if best else None,
                },
            )
            return True
        if method == "POST" and rest == ["suggest"]:
            return self._suggest(run, body)
        return None

    def _suggest(self, run, body):
        scenario = self.state.scenario
        options = self.state.options
        run.submits += 1
        if scenario == "drop_connection" and run.submits == 2:
            return "drop"
        if scenario == "hang" and run.submits == 2:
            run.status = "error"
            return "hang"
        task = run.task
        if task is None or not task["claimed"] or body.get("task_id") not in (None, task["id"]):
            self._send(409, SUBMIT_ERRORS[409])
            return True
        if options.refuse_submit_after_stop and run.status != "running":
            self._send(409, {"detail": f"Run {run.id} is {run.status}; results are no longer accepted."})
            return True
        if options.submit_error and options.submit_error[1] == run.submits:
            code = options.submit_error[0]
            self._send(code, SUBMIT_ERRORS.get(code, SERVER_ERROR))
            return True
        output = body.get("execution_output", "")
        metric = run.metric_from(output)
        run.nodes.append(
            {
                "step": task["step"],
                "code": task["code"],
                "plan": task["plan"],
                "metric_value": metric,
                "execution_output": output,
            }
        )
        run.step += 1
        task["claimed"] = False
        run.task = None
        reply = {"run_id": run.id, "previous_solution_metric_value": metric, "is_done": False}
        if options.error_at_submit == run.submits:
            run.status = "error"
        if run.status != "running":
            self._send(200, reply)
            return True
        if scenario == "out_of_credits" and run.submits == 2:
            run.status = "terminated"
            run.task = None
            reply.update({"reason": "out_of_credits", "balance": 0.0})
            self._send(200, reply)
            return True
        if run.step > run.steps:
            run.status = "completed"
            run.task = None
            reply["is_done"] = True
        else:
            run.queue_next()
            reply["is_done"] = run.status == "completed"
        return ("later", options.candidate_delay if run.task else 0, 200, reply)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", default="success", choices=sorted(SCENARIOS))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--replace", default="", help="rewrite scenario: text to replace in the source")
    parser.add_argument("--with", dest="with_", default="", help="rewrite scenario: replacement text")
    parser.add_argument("--create-error", type=int, default=0)
    parser.add_argument("--submit-error", type=lambda v: tuple(int(p) for p in v.split("@")), default=None)
    parser.add_argument("--refuse-submit-after-stop", action="store_true")
    parser.add_argument("--stop-status", default="terminated", choices=["terminated", "stopping"])
    parser.add_argument("--error-at-submit", type=int, default=0)
    parser.add_argument("--candidate-delay", type=float, default=0.0)
    parser.add_argument("--run-id-missing", action="store_true")
    parser.add_argument("--requests-log")
    args = parser.parse_args()
    REWRITE[0], REWRITE[1] = args.replace, args.with_

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(args.scenario, args)  # type: ignore[attr-defined]
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        import os

        os.replace(tmp, args.port_file)
    sys.stdout.write(f"PORT {port}\n")
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    finally:
        server.state.hang_forever.set()  # type: ignore[attr-defined]
        server.server_close()


if __name__ == "__main__":
    main()
