//! End-to-end checks of generated harnesses with the real python3: honest candidates, wrong ones, and ones
//! that try to game the measurement.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::*;

const HELPERS: &str = "def weight(x):\n    return x % 7\n";

const SLOW: &str = r#"from .helpers import weight


def unique_weights(xs: list[int]) -> list[int]:
    """Distinct weighted values in order of first appearance."""
    out = []
    for x in xs:
        w = weight(x) + x
        if w not in out:
            out.append(w)
    return out
"#;

const FAST: &str = r#"from .helpers import weight


def unique_weights(xs: list[int]) -> list[int]:
    seen = set()
    out = []
    for x in xs:
        w = weight(x) + x
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out
"#;

/// (a) a package with relative imports and a slow, type-hinted function, no tests.
fn package_project() -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let pkg = root.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("__init__.py"), "").unwrap();
    std::fs::write(pkg.join("helpers.py"), HELPERS).unwrap();
    std::fs::write(pkg.join("core.py"), SLOW).unwrap();
    let file = pkg.join("core.py");
    (root, file)
}

fn request(root: &Path, file: &Path, function: &str, metric: MetricKind, placement: Placement) -> TaskRequest {
    TaskRequest {
        workspace_root: root.to_path_buf(),
        source_path: file.to_path_buf(),
        function: function.into(),
        language: Language::Python,
        metric,
        placement,
        source_text: std::fs::read_to_string(file).unwrap_or_default(),
        consolidated_from: None,
        cancel: Default::default(),
        progress: None,
    }
}

fn run_eval(dir: &Path) -> String {
    let mut command = Command::new("bash");
    command.arg("-c").arg("bash evaluate.sh 2>&1").current_dir(dir);
    preflight::run_with_timeout(command, Duration::from_secs(120)).expect("evaluation finishes").text
}

fn last_line(output: &str) -> &str {
    output.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or("")
}

fn speedup_of(output: &str) -> f64 {
    preflight::parse_metric(output, "speedup").unwrap_or_else(|| panic!("no speedup line last in:\n{output}"))
}

#[test]
fn task_harness_package_with_relative_imports_measures_baseline_and_faster_candidate() {
    let (root, file) = package_project();
    let task = prepare_task(&request(root.path(), &file, "unique_weights", MetricKind::Speedup, Placement::Isolated)).expect("task prepared");
    assert_eq!(task.name, "unique_weights");
    assert_eq!(task.inputs, InputOrigin::TypeHints);
    assert_eq!(task.dir, root.path().join(".weco/unique_weights"));
    for f in ["baseline.py", "optimize.py", "evaluate.py", "evaluate.sh"] {
        assert!(task.dir.join(f).is_file(), "{f} missing");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), SLOW, "the user's file is untouched");

    let baseline = preflight(&task, Duration::from_secs(120)).expect("baseline measured");
    assert!((baseline.metric_value - 1.0).abs() < 1e-9, "baseline speedup is reported as 1.0:\n{}", baseline.output);
    assert!(baseline.per_call_seconds.is_some_and(|s| s > 0.0));
    assert!(baseline.eval_seconds < 30.0, "one evaluation took {} s", baseline.eval_seconds);

    std::fs::write(task.dir.join("optimize.py"), FAST).unwrap();
    let output = run_eval(&task.dir);
    assert!(speedup_of(&output) > 2.0, "the set-based version is much faster:\n{output}");
    let details: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(task.dir.join("last_eval.json")).unwrap()).unwrap();
    assert!(details["candidate_seconds_per_call"].as_f64().unwrap() < details["baseline_seconds_per_call"].as_f64().unwrap());
    assert_eq!(details["clock"], "process_cpu", "pure-Python loops are timed by CPU time: {details}");
}

#[test]
fn task_harness_sleeping_code_is_timed_by_the_wall_clock() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("io.py");
    std::fs::write(&file, "import time\n\n\ndef wait(n: int) -> int:\n    time.sleep(n * 0.0001)\n    return n\n").unwrap();
    let task = prepare_task(&request(root.path(), &file, "wait", MetricKind::Speedup, Placement::Isolated)).expect("task prepared");
    let output = evaluate_variant(&task, "import time\n\n\ndef wait(n: int) -> int:\n    time.sleep(n * 0.00005)\n    return n\n");
    let details: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(task.dir.join("last_eval.json")).unwrap()).unwrap();
    assert_eq!(details["clock"], "wall", "{details}");
    assert!(speedup_of(&output) > 1.3, "half the sleeping is faster by the wall clock:\n{output}");
}

fn prepared_package_task() -> (tempfile::TempDir, PreparedTask) {
    let (root, file) = package_project();
    let task = prepare_task(&request(root.path(), &file, "unique_weights", MetricKind::Speedup, Placement::Isolated)).expect("task prepared");
    (root, task)
}

fn evaluate_variant(task: &PreparedTask, code: &str) -> String {
    std::fs::write(task.dir.join("optimize.py"), code).unwrap();
    run_eval(&task.dir)
}

#[test]
fn task_harness_rejects_wrong_results_with_a_constraint_violation() {
    let (_root, task) = prepared_package_task();
    let output = evaluate_variant(&task, &FAST.replace("return out", "return sorted(out)"));
    assert!(output.contains("Constraint violated:"), "{output}");
    assert_eq!(last_line(&output), "speedup: 0");
}

#[test]
fn task_harness_rejects_candidates_that_mutate_their_arguments_differently() {
    let (_root, task) = prepared_package_task();
    let output = evaluate_variant(&task, &FAST.replace("    return out", "    xs.clear()\n    return out"));
    assert!(output.contains("Constraint violated:") && output.contains("changes its inputs"), "{output}");
    assert_eq!(last_line(&output), "speedup: 0");
}

#[test]
fn task_harness_rejects_candidates_that_raise() {
    let (_root, task) = prepared_package_task();
    let output = evaluate_variant(&task, &FAST.replace("    seen = set()", "    raise ValueError('nope')"));
    assert!(output.contains("Constraint violated:") && output.contains("ValueError"), "{output}");
    assert_eq!(last_line(&output), "speedup: 0");
}

#[test]
fn task_harness_ignores_metric_lines_printed_by_the_candidate() {
    let (_root, task) = prepared_package_task();
    let gaming = format!(
        "import atexit, os, sys\natexit.register(lambda: print('speedup: 999'))\n{}",
        SLOW.replace("    out = []", "    print('speedup: 999')\n    os.write(1, b'speedup: 999\\n')\n    sys.stderr.write('speedup: 999\\n')\n    out = []")
    );
    let output = evaluate_variant(&task, &gaming);
    let value = speedup_of(&output);
    // The candidate is the slow code plus prints: whatever the machine's load does to the timing,
    // the value is a measurement, never the 999 it printed.
    assert!(value < 10.0, "a printed metric must not count (got {value}):\n{output}");
    assert!(!output.contains("speedup: 999"), "the candidate's output never reaches the evaluation output:\n{output}");
}

#[test]
fn task_harness_fresh_inputs_defeat_caching_results_across_calls() {
    let (_root, task) = prepared_package_task();
    let caching = SLOW
        .replace("def unique_weights(xs: list[int]) -> list[int]:", "_CACHE = {}\n\n\ndef unique_weights(xs: list[int]) -> list[int]:")
        .replace("    out = []", "    key = tuple(xs)\n    if key in _CACHE:\n        return list(_CACHE[key])\n    out = []")
        .replace("    return out", "    _CACHE[key] = list(out)\n    return out");
    let output = evaluate_variant(&task, &caching);
    let value = speedup_of(&output);
    // A cache that hit would look tens of times faster; timing noise on a busy machine stays far below that.
    assert!(value < 3.0, "a cache keyed on the input must not look faster (got {value}):\n{output}");
}

#[test]
fn task_harness_folder_is_relocatable() {
    let (_root, task) = prepared_package_task();
    let elsewhere = tempfile::tempdir().unwrap();
    for f in ["baseline.py", "evaluate.py", "evaluate.sh"] {
        std::fs::copy(task.dir.join(f), elsewhere.path().join(f)).unwrap();
    }
    std::fs::write(elsewhere.path().join("optimize.py"), FAST.replace("return out", "return out[:-1]")).unwrap();
    let output = run_eval(elsewhere.path());
    assert_eq!(last_line(&output), "speedup: 0", "the copy's optimize.py is the one judged:\n{output}");
    assert!(elsewhere.path().join("last_eval.json").exists() || output.contains("Constraint violated"));
    assert!(!task.dir.join("candidate_output.log").exists(), "nothing is written in the original folder");
}

#[test]
fn task_harness_consolidated_file_is_imported_standalone_as_a_top_level_module() {
    let (root, file) = package_project();
    let consolidated = crate::consolidate::write_consolidated(root.path(), &file, "unique_weights").expect("consolidated");
    assert!(consolidated.starts_with(root.path().canonicalize().unwrap().join(".weco/unique_weights_consolidated")));
    let (import_root, module) = super::pysig::module_path(&consolidated);
    assert_eq!((import_root.as_path(), module.as_str()), (consolidated.parent().unwrap(), "consolidated"));

    let task = prepare_task(&request(root.path(), &consolidated, "unique_weights", MetricKind::Speedup, Placement::Isolated))
        .expect("task prepared from the consolidated file");
    assert_eq!(task.inputs, InputOrigin::TypeHints);
    assert_eq!(task.original_path, consolidated);
    let baseline = preflight(&task, Duration::from_secs(120)).expect("the consolidated copy runs without its package");
    assert!((baseline.metric_value - 1.0).abs() < 1e-9, "{}", baseline.output);

    let optimized = std::fs::read_to_string(&consolidated).unwrap().replace("if w not in out:", "if w not in set(out):");
    let output = evaluate_variant(&task, &optimized);
    assert!(speedup_of(&output) > 0.0, "a correct candidate of the consolidated file is accepted:\n{output}");
}

const PAIRS: &str = r#"def count_pairs(xs, target):
    n = 0
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            if xs[i] + xs[j] == target:
                n += 1
    return n
"#;

const PAIRS_FAST: &str = r#"def count_pairs(xs, target):
    seen = {}
    n = 0
    for x in xs:
        n += seen.get(target - x, 0)
        seen[x] = seen.get(x, 0) + 1
    return n
"#;

/// (b) a flat project whose tests call the function; no type hints, so inputs must come from the tests.
fn project_with_tests() -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("mylib.py"), PAIRS).unwrap();
    std::fs::create_dir_all(root.path().join("tests")).unwrap();
    std::fs::write(
        root.path().join("tests/test_mylib.py"),
        "from mylib import count_pairs\n\n\ndef test_small():\n    assert count_pairs([1, 2, 3, 4], 5) == 2\n\n\n\
         def test_big():\n    xs = list(range(300))\n    assert count_pairs(xs, 299) == 150\n    assert count_pairs(xs, 299) == 150\n",
    )
    .unwrap();
    let file = root.path().join("mylib.py");
    (root, file)
}

#[test]
fn task_harness_records_inputs_from_the_project_tests() {
    let (root, file) = project_with_tests();
    let task = prepare_task(&request(root.path(), &file, "count_pairs", MetricKind::Speedup, Placement::Isolated)).expect("task prepared");
    assert_eq!(task.inputs, InputOrigin::Recorded);
    assert_eq!(task.recorded_calls, Some(2), "two distinct calls (the repeated one counts once)");
    assert!(task.dir.join("inputs.pkl").is_file());
    let baseline = preflight(&task, Duration::from_secs(120)).expect("baseline measured");
    assert_eq!(baseline.metric_value, 1.0, "{}", baseline.output);
    let output = evaluate_variant(&task, PAIRS_FAST);
    assert!(speedup_of(&output) > 2.0, "{output}");
    let output = evaluate_variant(&task, &PAIRS_FAST.replace("return n", "return n + 1"));
    assert_eq!(last_line(&output), "speedup: 0", "{output}");
}

#[test]
fn task_harness_uses_the_project_virtual_environment() {
    let (root, file) = package_project();
    let venv = root.path().join(".venv");
    let status = Command::new("python3").args(["-m", "venv", "--without-pip"]).arg(&venv).status().unwrap();
    assert!(status.success(), "python3 -m venv works offline with --without-pip");
    let detected = interpreter::detect(root.path());
    assert_eq!(detected.path, venv.join("bin/python"));
    assert_eq!(detected.manager, PackageManager::Pip);
    std::fs::write(root.path().join("uv.lock"), "").unwrap();
    assert_eq!(interpreter::detect(root.path()).manager, PackageManager::Uv);

    let task = prepare_task(&request(root.path(), &file, "unique_weights", MetricKind::Speedup, Placement::Isolated)).expect("task prepared");
    let script = std::fs::read_to_string(task.dir.join("evaluate.sh")).unwrap();
    assert!(script.contains(&venv.join("bin/python").display().to_string()), "{script}");
    let baseline = preflight(&task, Duration::from_secs(120)).expect("baseline measured with the venv python");
    assert_eq!(baseline.metric_value, 1.0);
}

#[test]
fn task_harness_without_environment_falls_back_to_python3_on_path() {
    let root = tempfile::tempdir().unwrap();
    let detected = interpreter::detect(root.path());
    assert!(detected.path.is_absolute() && detected.path.ends_with("python3"), "{detected:?}");
    assert_eq!(detected.source, "PATH");
}

#[test]
fn task_harness_in_place_backs_up_and_evaluates_the_users_file() {
    let (root, file) = package_project();
    let task = prepare_task(&request(root.path(), &file, "unique_weights", MetricKind::Speedup, Placement::InPlace)).expect("task prepared");
    assert_eq!(task.dir, root.path());
    assert_eq!(task.source_file, Path::new("pkg/core.py"));
    assert_eq!(task.eval_command, "bash .weco/unique_weights/evaluate.sh");
    assert_eq!(std::fs::read_to_string(task.backup.as_ref().unwrap()).unwrap(), SLOW);
    assert!(!task.harness_dir.join("optimize.py").exists());
    let baseline = preflight(&task, Duration::from_secs(120)).expect("baseline measured");
    assert_eq!(baseline.metric_value, 1.0, "{}", baseline.output);
    std::fs::write(&file, FAST).unwrap();
    let faster = preflight(&task, Duration::from_secs(120)).expect("candidate measured");
    assert!(faster.metric_value > 2.0, "{}", faster.output);

    // The local engine evaluates each step in a scratch copy of the project: the candidate it writes
    // there is the one measured, not the user's file (which holds the baseline again).
    std::fs::write(&file, SLOW).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let status = Command::new("cp").arg("-a").arg(format!("{}/.", root.path().display())).arg(scratch.path()).status().unwrap();
    assert!(status.success());
    std::fs::write(scratch.path().join("pkg/core.py"), FAST).unwrap();
    let output = run_eval(&scratch.path().join(".weco/unique_weights"));
    assert!(speedup_of(&output) > 2.0, "the candidate in the scratch copy is measured:\n{output}");
}

#[test]
fn task_harness_doctest_examples_become_inputs() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("text.py");
    std::fs::write(
        &file,
        "def join_words(words, sep):\n    \"\"\"Joins.\n\n    >>> join_words(['a', 'b'] * 200, '-')[:3]\n    'a-b'\n    \
         >>> join_words(['x'] * 500, ',')\n    \"\"\"\n    out = ''\n    for w in words:\n        out += w + sep\n    return out[:-1]\n",
    )
    .unwrap();
    let task = prepare_task(&request(root.path(), &file, "join_words", MetricKind::Speedup, Placement::Isolated)).expect("task prepared");
    assert_eq!(task.inputs, InputOrigin::Doctest);
    let baseline = preflight(&task, Duration::from_secs(120)).expect("baseline measured");
    assert_eq!(baseline.metric_value, 1.0, "{}", baseline.output);
    let output = evaluate_variant(&task, "def join_words(words, sep):\n    return sep.join(words)\n");
    assert!(speedup_of(&output) >= 1.0, "{output}");
    assert!(!output.contains("Constraint violated"), "{output}");
}

#[test]
fn task_harness_without_inputs_asks_for_make_inputs() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("m.py");
    std::fs::write(&file, "def mystery(thing):\n    return sorted(thing)\n").unwrap();
    let task = prepare_task(&request(root.path(), &file, "mystery", MetricKind::Speedup, Placement::Isolated)).expect("task prepared");
    assert!(task.needs_manual_inputs());
    let evaluate = std::fs::read_to_string(&task.evaluate_py).unwrap();
    assert!(evaluate.contains(">>> FILL IN"));
    let err = preflight(&task, Duration::from_secs(60)).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, TaskError::Evaluation { .. }) && message.contains("make_inputs"), "{message}");
}

const METHOD: &str = r#"class Scanner:
    def __init__(self):
        self.allowed = list(range(0, 1000, 3))

    def scan(self, xs: list[int]) -> int:
        total = 0
        for x in xs:
            if x in self.allowed:
                total += x
        return total
"#;

#[test]
fn task_harness_methods_are_called_on_a_factory_instance() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("scan.py");
    std::fs::write(&file, METHOD).unwrap();
    let task = prepare_task(&request(root.path(), &file, "Scanner.scan", MetricKind::Speedup, Placement::Isolated)).expect("task prepared");
    assert_eq!(task.name, "Scanner_scan");
    assert_eq!(task.inputs, InputOrigin::TypeHints);
    assert!(std::fs::read_to_string(&task.evaluate_py).unwrap().contains("def make_instance(module)"));
    let baseline = preflight(&task, Duration::from_secs(120)).expect("baseline measured");
    assert_eq!(baseline.metric_value, 1.0, "{}", baseline.output);
    let faster = METHOD
        .replace("self.allowed = list(range(0, 1000, 3))", "self.allowed = list(range(0, 1000, 3))\n        self.fast = set(self.allowed)")
        .replace("if x in self.allowed:", "if x in self.fast:");
    let output = evaluate_variant(&task, &faster);
    assert!(speedup_of(&output) > 2.0, "{output}");
}

#[test]
fn task_harness_latency_and_memory_metrics_report_the_candidate() {
    let (root, file) = package_project();
    let latency = prepare_task(&request(root.path(), &file, "unique_weights", MetricKind::LatencyMs, Placement::Isolated)).expect("task prepared");
    assert_eq!((latency.metric.as_str(), latency.goal), ("latency_ms", crate::engine::Goal::Minimize));
    let measured = preflight(&latency, Duration::from_secs(120)).expect("latency measured");
    assert!(measured.metric_value > 0.0, "{}", measured.output);
    let wrong = evaluate_variant(&latency, &FAST.replace("return out", "return out[1:]"));
    assert!(wrong.contains("Constraint violated") && preflight::parse_metric(&wrong, "latency_ms").is_none(), "{wrong}");

    let memory = prepare_task(&request(root.path(), &file, "unique_weights", MetricKind::PeakMemoryMb, Placement::Isolated)).expect("task prepared");
    assert_eq!(memory.name, "unique_weights_2");
    let measured = preflight(&memory, Duration::from_secs(120)).expect("memory measured");
    assert!(measured.metric_value > 0.0, "{}", measured.output);
    let hungry = FAST.replace("    return out", "    waste = [list(xs) for _ in range(50)]\n    return out");
    let output = evaluate_variant(&memory, &hungry);
    let value = preflight::parse_metric(&output, "peak_memory_mb").expect("metric printed");
    assert!(value > measured.metric_value * 5.0, "the wasteful candidate uses more memory: {value} vs {}", measured.metric_value);
}

#[test]
fn task_harness_custom_metric_uses_the_baseline_scorer() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("model.py");
    let source = "def predict(x):\n    return x > 5\n\n\ndef accuracy(predict_fn):\n    data = [(i, i > 4) for i in range(10)]\n    \
                  return sum(predict_fn(x) == y for x, y in data) / len(data)\n";
    std::fs::write(&file, source).unwrap();
    let metric = MetricKind::Custom { name: "accuracy".into(), goal: crate::engine::Goal::Maximize, function: "accuracy".into() };
    let task = prepare_task(&request(root.path(), &file, "predict", metric, Placement::Isolated)).expect("task prepared");
    let baseline = preflight(&task, Duration::from_secs(60)).expect("score measured");
    assert!((baseline.metric_value - 0.9).abs() < 1e-9, "{}", baseline.output);
    // the candidate cannot change its judge: its own `accuracy` is ignored
    let output = evaluate_variant(&task, "def predict(x):\n    return x > 4\n\n\ndef accuracy(predict_fn):\n    return 99.0\n");
    assert_eq!(preflight::parse_metric(&output, "accuracy"), Some(1.0), "{output}");
}

#[test]
fn task_harness_records_method_calls_with_their_instance_from_unittest_cases() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("scan.py");
    std::fs::write(&file, METHOD.replace("def scan(self, xs: list[int]) -> int:", "def scan(self, xs):")).unwrap();
    std::fs::write(
        root.path().join("test_scan.py"),
        "import unittest\nfrom scan import Scanner\n\n\nclass ScanTest(unittest.TestCase):\n    def test_scan(self):\n        \
         self.assertEqual(Scanner().scan(list(range(600))), sum(range(0, 600, 3)))\n",
    )
    .unwrap();
    let task = prepare_task(&request(root.path(), &file, "Scanner.scan", MetricKind::Speedup, Placement::Isolated)).expect("task prepared");
    assert_eq!(task.inputs, InputOrigin::Recorded);
    assert_eq!(task.recorded_calls, Some(1));
    let baseline = preflight(&task, Duration::from_secs(120)).expect("baseline measured");
    assert_eq!(baseline.metric_value, 1.0, "{}", baseline.output);
    let wrong = evaluate_variant(&task, &METHOD.replace("total += x", "total += x + 1"));
    assert_eq!(last_line(&wrong), "speedup: 0", "{wrong}");
}

#[test]
fn task_harness_clock_cannot_be_replaced_by_the_candidate() {
    let (_root, task) = prepared_package_task();
    let gaming = format!("import time\n_ticks = iter(range(10**9))\ntime.perf_counter = lambda: next(_ticks) * 1e-9\n{SLOW}");
    let output = evaluate_variant(&task, &gaming);
    let value = speedup_of(&output);
    assert!(value < 2.0, "a replaced clock must not make the candidate look faster (got {value}):\n{output}");
}

#[test]
fn task_harness_hostile_project_paths_stay_literal_in_the_generated_scripts() {
    // Backticks, `$()`, quotes, a Python triple quote, a backslash and a space in the project path,
    // with the project's own virtual environment in it (so the interpreter path carries them too).
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("proj `touch BACKTICK` $(touch DOLLAR) \"dq\" 'sq' ''' \\ end");
    std::fs::create_dir_all(root.join(".venv/bin")).unwrap();
    std::os::unix::fs::symlink(super::interpreter::which("python3").unwrap(), root.join(".venv/bin/python")).unwrap();
    let file = root.join("m.py");
    std::fs::write(&file, "def unique_weights(xs: list[int]) -> list[int]:\n    out = []\n    for x in xs:\n        if x not in out:\n            out.append(x)\n    return out\n").unwrap();
    let task = prepare_task(&request(&root, &file, "unique_weights", MetricKind::Speedup, Placement::Isolated)).expect("task prepared");
    assert!(task.interpreter.path.starts_with(&root), "the project's venv is used: {}", task.interpreter.path.display());
    let baseline = preflight(&task, Duration::from_secs(120)).expect("the baseline runs from a hostile path");
    assert!((baseline.metric_value - 1.0).abs() < 1e-9, "{}", baseline.output);
    for dir in [parent.path(), root.as_path(), task.dir.as_path()] {
        for name in ["BACKTICK", "DOLLAR"] {
            assert!(!dir.join(name).exists(), "a command in the path ran: {}", dir.join(name).display());
        }
    }
    let config = super::harness::config_of(&std::fs::read_to_string(&task.evaluate_py).unwrap()).expect("the configuration reads back");
    assert_eq!(config["project_root"], root.display().to_string());
}
