//! Where the harness's inputs come from, in order of preference: calls recorded while the project's tests
//! run, doctest examples, values synthesized from type hints, or a `make_inputs()` the user fills in.

use std::path::Path;
use std::time::Duration;

use super::pysig::{ParamKind, PySignature};

/// The origin of a task's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputOrigin {
    /// `inputs.pkl`: arguments of real calls made by the project's tests.
    Recorded,
    /// `>>> f(...)` examples in the docstring.
    Doctest,
    /// Random values of the annotated types.
    TypeHints,
    /// `make_inputs()` in `evaluate.py` must be written by the user.
    Manual,
}

impl InputOrigin {
    /// The spelling stored in the harness configuration.
    pub fn id(self) -> &'static str {
        match self {
            InputOrigin::Recorded => "recorded",
            InputOrigin::Doctest => "doctest",
            InputOrigin::TypeHints => "type_hints",
            InputOrigin::Manual => "manual",
        }
    }
}

/// The `make_inputs()` section of `evaluate.py` for the chosen origin.
pub fn inputs_section(origin: InputOrigin, signature: Option<&PySignature>, function: &str, doctests: &[String]) -> String {
    let mut out = String::from(
        "# ---------------------------------------------------------------------------\n\
         # Inputs: make_inputs() returns a list of calls, each (args tuple, kwargs dict).\n",
    );
    match origin {
        InputOrigin::Recorded => out.push_str(
            "# Recorded from the project's tests (inputs.pkl); delete the file and edit this to change them.\n\
             # ---------------------------------------------------------------------------\n\
             import pickle\n\n\n\
             def make_inputs(seed=0, count=None):\n\
             \x20   with open(os.path.join(HERE, \"inputs.pkl\"), \"rb\") as handle:\n\
             \x20       return pickle.load(handle)\n",
        ),
        InputOrigin::Doctest => {
            out.push_str(
                "# Taken from the doctest examples of the function's docstring.\n\
                 # ---------------------------------------------------------------------------\n\n\n\
                 def _call(*args, **kwargs):\n    return (args, kwargs)\n\n\n\
                 def make_inputs(seed=0, count=None):\n    return [\n",
            );
            for args in doctests {
                out.push_str(&format!("        _call({args}),\n"));
            }
            out.push_str("    ]\n");
        }
        InputOrigin::TypeHints => {
            out.push_str(
                "# Synthesized from the type hints; each round of timing gets new random values.\n\
                 # ---------------------------------------------------------------------------\n",
            );
            out.push_str(crate::rules::template("synth_inputs").unwrap_or_default());
            out.push_str("\n\ndef make_inputs(seed=0, count=None):\n    rng = random.Random(seed)\n    calls = []\n");
            out.push_str("    for _ in range(count or 5):\n        args = (\n");
            let params = signature.map(|s| s.params.as_slice()).unwrap_or_default();
            for p in params.iter().filter(|p| p.kind == ParamKind::Positional && !p.has_default) {
                let annotation = p.annotation.as_deref().unwrap_or("int");
                out.push_str(&format!("            synth({annotation:?}, rng),  # {}\n", p.name));
            }
            out.push_str("        )\n        kwargs = {\n");
            for p in params.iter().filter(|p| p.kind == ParamKind::KeywordOnly && !p.has_default) {
                let annotation = p.annotation.as_deref().unwrap_or("int");
                out.push_str(&format!("            {:?}: synth({annotation:?}, rng),\n", p.name));
            }
            out.push_str("        }\n        calls.append((args, kwargs))\n    return calls\n");
        }
        InputOrigin::Manual => out.push_str(&format!(
            "# >>> FILL IN: no tests, doctests or type hints gave inputs for {function}. <<<\n\
             # Return representative calls, large enough that one call takes a millisecond or more.\n\
             # ---------------------------------------------------------------------------\n\n\n\
             def make_inputs(seed=0, count=None):\n\
             \x20   # Example: return [(([3, 1, 2] * 1000,), {{}})]\n\
             \x20   raise NotImplementedError(\"fill in make_inputs() in evaluate.py with calls to {function}\")\n"
        )),
    }
    if signature.is_some_and(|s| s.is_method) {
        let class = function.rsplit_once('.').map(|(c, _)| c).unwrap_or(function);
        out.push_str(&format!(
            "\n\n# >>> FACTORY: how to build the instance `{function}` is called on (unused for recorded calls). <<<\n\
             def make_instance(module):\n    return module.{class}()\n"
        ));
    }
    out
}

/// The argument lists of `>>> name(...)` examples in a docstring (the text between the parentheses).
pub fn doctest_calls(docstring: &str, name: &str) -> Vec<String> {
    let mut calls = Vec::new();
    let mut current: Option<String> = None;
    for line in docstring.lines().map(str::trim) {
        if let Some(code) = line.strip_prefix(">>> ") {
            if let Some(done) = current.take() {
                calls.extend(call_arguments(&done, name));
            }
            current = Some(code.to_string());
        } else if let (Some(code), Some(buffer)) = (line.strip_prefix("... "), current.as_mut()) {
            buffer.push('\n');
            buffer.push_str(code);
        } else if let Some(done) = current.take() {
            calls.extend(call_arguments(&done, name));
        }
    }
    if let Some(done) = current.take() {
        calls.extend(call_arguments(&done, name));
    }
    calls.dedup();
    calls
}

fn call_arguments(statement: &str, name: &str) -> Option<String> {
    let rest = statement.trim().strip_prefix(name)?.strip_prefix('(')?;
    let inner = rest.strip_suffix(')')?;
    // the closing parenthesis must be the call's own: depth never drops below zero inside
    let mut depth = 0i32;
    for c in inner.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return None;
        }
    }
    (depth == 0).then(|| inner.to_string())
}

/// True when every required parameter has an annotation the synthesizer understands.
pub fn type_hints_supported(signature: &PySignature) -> bool {
    let required: Vec<_> = signature.params.iter().filter(|p| !p.has_default && matches!(p.kind, ParamKind::Positional | ParamKind::KeywordOnly)).collect();
    !required.is_empty() && required.iter().all(|p| p.annotation.as_deref().is_some_and(annotation_supported))
}

const SCALARS: &[&str] = &["int", "float", "str", "bool", "bytes", "list", "List", "dict", "Dict"];
const SEQUENCES: &[&str] =
    &["list", "List", "Sequence", "Iterable", "Collection", "MutableSequence", "set", "Set", "frozenset", "FrozenSet", "AbstractSet", "Optional"];
const MAPPINGS: &[&str] = &["dict", "Dict", "Mapping", "MutableMapping"];

/// Understands the annotations `synth_inputs.py` can produce values for.
pub fn annotation_supported(annotation: &str) -> bool {
    let a = annotation.trim().trim_matches(|c| c == '"' || c == '\'');
    if let Some((left, right)) = split_top(a, '|') {
        let (left, right) = (left.trim(), right.trim());
        return (right == "None" && annotation_supported(left)) || (left == "None" && annotation_supported(right));
    }
    let Some(open) = a.find('[') else {
        return SCALARS.contains(&last_segment(a));
    };
    let Some(inner) = a[open + 1..].strip_suffix(']') else { return false };
    let outer = last_segment(&a[..open]);
    let items = split_args(inner);
    if SEQUENCES.contains(&outer) {
        items.len() == 1 && annotation_supported(items[0])
    } else if MAPPINGS.contains(&outer) {
        items.len() == 2 && items.iter().all(|i| annotation_supported(i))
    } else if outer == "tuple" || outer == "Tuple" {
        match items.as_slice() {
            [item, "..."] => annotation_supported(item),
            _ => !items.is_empty() && items.iter().all(|i| annotation_supported(i)),
        }
    } else {
        false
    }
}

fn last_segment(name: &str) -> &str {
    name.trim().rsplit('.').next().unwrap_or("")
}

fn split_top(text: &str, separator: char) -> Option<(&str, &str)> {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            c if c == separator && depth == 0 => return Some((&text[..i], &text[i + 1..])),
            _ => {}
        }
    }
    None
}

fn split_args(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut rest = text;
    while let Some((item, tail)) = split_top(rest, ',') {
        items.push(item.trim());
        rest = tail;
    }
    items.push(rest.trim());
    items
}

/// What recording inputs from the tests found, in words (`recording.txt` in the task folder).
pub const RECORDING_REPORT: &str = "recording.txt";

/// The recorder's running count (tests run, calls seen and recorded, the test running), rewritten as it goes.
const RECORDING_PROGRESS: &str = ".recording.progress";

/// Sends each new line the recorder writes to its progress file, until `done`.
fn forward_progress(file: &Path, sender: &tokio::sync::mpsc::UnboundedSender<String>, done: &std::sync::atomic::AtomicBool) {
    let mut last = String::new();
    loop {
        // Read once more after the recorder ended: its final count is the line that stays.
        let finished = done.load(std::sync::atomic::Ordering::Relaxed);
        let text = std::fs::read_to_string(file).unwrap_or_default().trim().to_string();
        if !text.is_empty() && text != last {
            if sender.send(format!("recording inputs from the tests: {text}")).is_err() {
                return;
            }
            last = text;
        }
        if finished {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The recording report of a task folder, when inputs were not recorded and it says why.
pub fn recording_report(harness_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(harness_dir.join(RECORDING_REPORT)).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// Runs the project's tests under a tracer that records calls of the function into `<task>/inputs.pkl`.
/// Returns the number of distinct calls recorded, or None when nothing could be recorded.
pub fn record_from_tests(
    interpreter: &Path,
    task_dir: &Path,
    settings: &serde_json::Value,
    timeout: Duration,
    cancel: &tokio_util::sync::CancellationToken,
    progress: Option<&tokio::sync::mpsc::UnboundedSender<String>>,
) -> Option<usize> {
    let script = task_dir.join(".record_inputs.py");
    let settings_path = task_dir.join(".record_settings.json");
    crate::fsio::write_atomic(&script, crate::rules::template("record_inputs")?.as_bytes()).ok()?;
    crate::fsio::write_atomic(&settings_path, settings.to_string().as_bytes()).ok()?;
    // The project's tests run from the project root, as the user runs them; in the sandbox what
    // they write there (artifacts, caches) lands in its overlay and is discarded.
    let root = crate::sandbox::workspace_of(task_dir);
    let jail = crate::sandbox::Jail { workspace: root.clone(), writable: vec![task_dir.to_path_buf()] };
    let line = format!(
        "{} {} {}",
        super::harness::single_quoted(&interpreter.to_string_lossy()),
        super::harness::single_quoted(&script.to_string_lossy()),
        super::harness::single_quoted(&settings_path.to_string_lossy())
    );
    let prepared = crate::sandbox::prepare(&jail, &root, &line);
    let progress_file = task_dir.join(RECORDING_PROGRESS);
    let _ = std::fs::remove_file(&progress_file);
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = progress.cloned().map(|sender| {
        let done = done.clone();
        let file = progress_file.clone();
        std::thread::spawn(move || forward_progress(&file, &sender, &done))
    });
    let result = super::preflight::run_cancellable(prepared.std_command(), timeout, Some(cancel));
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(watcher) = watcher {
        let _ = watcher.join();
    }
    let _ = std::fs::remove_file(&progress_file);
    super::preflight::wrote_in_project(&prepared);
    let _ = std::fs::remove_file(&script);
    let _ = std::fs::remove_file(&settings_path);
    let report = task_dir.join(RECORDING_REPORT);
    let output = match result {
        Ok(output) => output,
        Err(error) => {
            let why = match error {
                super::TaskError::Timeout { seconds, .. } => {
                    format!("recording stopped after {seconds:.0} s: the project's tests took longer; a make_inputs() written by hand avoids running them")
                }
                super::TaskError::Cancelled => "recording was cancelled".to_string(),
                other => format!("the tests could not be run to record inputs: {other}"),
            };
            let _ = crate::fsio::write_atomic(&report, format!("{why}\n").as_bytes());
            return None;
        }
    };
    tracing::debug!(target: "weco::task", output = %output.text, "recording inputs");
    let Some(count) = output.text.lines().rev().find_map(|l| l.strip_prefix("recorded ").and_then(|r| r.split_whitespace().next()?.parse::<usize>().ok()))
    else {
        let why = format!("the recorder stopped before the end:\n{}", super::preflight::tail(&output.text));
        let _ = crate::fsio::write_atomic(&report, why.as_bytes());
        return None;
    };
    if count == 0 {
        let _ = std::fs::remove_file(task_dir.join("inputs.pkl"));
        return None;
    }
    Some(count)
}
