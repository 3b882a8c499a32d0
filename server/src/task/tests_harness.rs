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
    let task = prepare_task(&request(root.path(), &file, "unique_weights", MetricKind::Speedup, Placement::Isolated))
        .expect("task prepared");
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
    let details: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(task.dir.join("last_eval.json")).unwrap()).unwrap();
    assert!(details["candidate_seconds_per_call"].as_f64().unwrap() < details["baseline_seconds_per_call"].as_f64().unwrap());
}

fn prepared_package_task() -> (tempfile::TempDir, PreparedTask) {
    let (root, file) = package_project();
    let task = prepare_task(&request(root.path(), &file, "unique_weights", MetricKind::Speedup, Placement::Isolated))
        .expect("task prepared");
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
    assert!(value < 2.0, "a printed metric must not count (got {value}):\n{output}");
    assert!(!output.contains("999"), "the candidate's output never reaches the evaluation output:\n{output}");
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
    assert!(value < 1.5, "a cache keyed on the input must not look faster (got {value}):\n{output}");
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
