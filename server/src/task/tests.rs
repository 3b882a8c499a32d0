//! Unit tests of the task setup that need no evaluation run: naming, layout, signatures, inputs, profile, prose.

use std::path::Path;
use std::time::Duration;

use super::inputs::{annotation_supported, doctest_calls};
use super::pysig::{ParamKind, find_signature, module_path};
use super::*;

#[test]
fn task_folders_claimed_at_once_are_all_different() {
    let root = tempfile::tempdir().unwrap();
    let claims: Vec<std::thread::JoinHandle<String>> = (0..8)
        .map(|_| {
            let root = root.path().to_path_buf();
            std::thread::spawn(move || layout::claim_task_folder(&root, "slow_sum").unwrap().0)
        })
        .collect();
    let mut names: Vec<String> = claims.into_iter().map(|c| c.join().unwrap()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 8, "{names:?}");
}

#[test]
fn task_names_are_safe_and_unique() {
    let root = tempfile::tempdir().unwrap();
    assert_eq!(layout::unique_task_name(root.path(), "slow_sum"), "slow_sum");
    std::fs::create_dir_all(root.path().join(".weco/slow_sum")).unwrap();
    assert_eq!(layout::unique_task_name(root.path(), "slow_sum"), "slow_sum_2");
    std::fs::create_dir_all(root.path().join(".weco/slow_sum_2")).unwrap();
    assert_eq!(layout::unique_task_name(root.path(), "slow_sum"), "slow_sum_3");
    assert_eq!(layout::unique_task_name(root.path(), "Graph.shortest path/../x"), "Graph_shortest_path____x");
    assert_eq!(layout::unique_task_name(root.path(), "..."), "task");
}

#[test]
fn task_signature_reads_params_annotations_docstring_and_methods() {
    let source = r#"
class Graph:
    @staticmethod
    def helper(a: int) -> int:
        return a

    def route(self, start: str, *, limit: int = 3) -> list[str]:
        '''Routes.

        >>> Graph().route("a")
        '''
        return []

def total(xs: list[int], scale: float = 1.0, *rest, key: str, **extra) -> float:
    """Sums.

    >>> total([1, 2, 3], key="a")
    6.0
    >>> total(
    ...     [4, 5], key="b")
    9.0
    """
    return sum(xs) * scale
"#;
    let total = find_signature(source, "total").unwrap();
    let kinds: Vec<_> = total.params.iter().map(|p| (p.name.as_str(), p.kind, p.has_default)).collect();
    assert_eq!(
        kinds,
        vec![
            ("xs", ParamKind::Positional, false),
            ("scale", ParamKind::Positional, true),
            ("rest", ParamKind::VarArgs, false),
            ("key", ParamKind::KeywordOnly, false),
            ("extra", ParamKind::VarKeywords, false),
        ]
    );
    assert_eq!(total.params[0].annotation.as_deref(), Some("list[int]"));
    assert!(!total.is_method);
    let calls = doctest_calls(total.docstring.as_deref().unwrap(), "total");
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(calls[0] == "[1, 2, 3], key=\"a\"" && calls[1].contains("[4, 5], key=\"b\""), "{calls:?}");

    let route = find_signature(source, "Graph.route").unwrap();
    assert!(route.is_method);
    assert_eq!(route.params[0].name, "start", "self is dropped");
    let helper = find_signature(source, "Graph.helper").unwrap();
    assert!(!helper.is_method && helper.params[0].name == "a");
    assert!(find_signature(source, "missing").is_none());
    assert!(find_signature(source, "Graph.missing").is_none());
    // broken code must not panic; whatever is recognised is fine
    let _ = find_signature("def broken(:\n    return [\n", "broken");
}

#[test]
fn task_doctest_calls_skip_other_statements() {
    let doc = ">>> x = 3\n>>> f(x)\n3\n>>> g(1)\n>>> f(1)(2)\n>>> f([1, (2, 3)])\n";
    assert_eq!(doctest_calls(doc, "f"), vec!["x".to_string(), "[1, (2, 3)]".to_string()]);
}

#[test]
fn task_type_hint_support_covers_common_annotations() {
    for ok in [
        "int",
        "float",
        "str",
        "list[int]",
        "List[float]",
        "dict[str, int]",
        "tuple[int, ...]",
        "tuple[int, str]",
        "set[str]",
        "Optional[list[int]]",
        "list[int] | None",
        "typing.List[typing.Dict[str, float]]",
        "Sequence[int]",
    ] {
        assert!(annotation_supported(ok), "{ok} should be supported");
    }
    for bad in ["MyClass", "list[MyClass]", "Callable[[int], int]", "np.ndarray", "dict[str]", "int | str", "list[int"] {
        assert!(!annotation_supported(bad), "{bad} should not be supported");
    }
}

#[test]
fn task_module_path_walks_up_packages() {
    let root = tempfile::tempdir().unwrap();
    let sub = root.path().join("pkg/sub");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(root.path().join("pkg/__init__.py"), "").unwrap();
    std::fs::write(sub.join("__init__.py"), "").unwrap();
    std::fs::write(sub.join("mod.py"), "").unwrap();
    std::fs::write(root.path().join("script.py"), "").unwrap();
    assert_eq!(module_path(&sub.join("mod.py")), (root.path().to_path_buf(), "pkg.sub.mod".to_string()));
    assert_eq!(module_path(&root.path().join("script.py")), (root.path().to_path_buf(), "script".to_string()));
}

#[test]
fn task_existing_evaluations_are_found_and_environments_skipped() {
    let root = tempfile::tempdir().unwrap();
    for f in ["evaluate.py", "bench/benchmark.py", "tests/test_core.py", ".venv/lib/test_x.py", ".weco/old/evaluate.py", "core.py"] {
        let path = root.path().join(f);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "").unwrap();
    }
    let found: Vec<String> = find_existing_evals(root.path()).iter().map(|p| p.strip_prefix(root.path()).unwrap().display().to_string()).collect();
    assert_eq!(found, vec![".weco/old/evaluate.py", "bench/benchmark.py", "evaluate.py", "tests/test_core.py"]);
}

#[test]
fn task_atomic_write_and_backup_never_lose_an_original() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("mod.py");
    crate::fsio::write_atomic(&file, b"v1").unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), b"v1");
    let first = layout::write_backup(&file).unwrap();
    assert_eq!(first, root.path().join("mod.py.backup"));
    crate::fsio::write_atomic(&file, b"v2").unwrap();
    let second = layout::write_backup(&file).unwrap();
    assert_eq!(second, root.path().join("mod.py.backup.1"));
    assert_eq!(std::fs::read(&first).unwrap(), b"v1");
    assert_eq!(layout::write_backup(&file).unwrap(), second, "an identical backup is reused");
    let leftovers: Vec<_> =
        std::fs::read_dir(root.path()).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().contains(".tmp")).collect();
    assert!(leftovers.is_empty());
}

#[test]
fn task_rust_functions_in_place_are_refused_with_prose() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("lib.rs");
    std::fs::write(&file, "fn f() {}").unwrap();
    let err = prepare_task(&TaskRequest {
        workspace_root: root.path().into(),
        source_text: std::fs::read_to_string(&file).unwrap(),
        source_path: file,
        function: "f".into(),
        language: Language::Rust,
        metric: MetricKind::Speedup,
        placement: Placement::InPlace,
        consolidated_from: None,
        cancel: Default::default(),
        progress: None,
    })
    .unwrap_err();
    assert!(matches!(err, TaskError::Unsupported(_)));
    assert!(err.to_string().contains("Rust"));
    assert!(!root.path().join(".weco").exists());
}

#[test]
fn task_unknown_function_is_an_error_and_leaves_no_folder() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("m.py");
    std::fs::write(&file, "def f(x: int):\n    return x\n").unwrap();
    let err = prepare_task(&TaskRequest {
        workspace_root: root.path().into(),
        source_text: std::fs::read_to_string(&file).unwrap(),
        source_path: file,
        function: "g".into(),
        language: Language::Python,
        metric: MetricKind::Speedup,
        placement: Placement::Isolated,
        consolidated_from: None,
        cancel: Default::default(),
        progress: None,
    })
    .unwrap_err();
    assert!(matches!(err, TaskError::FunctionNotFound { .. }), "{err}");
    assert!(!root.path().join(".weco/g").exists());
}

#[test]
fn task_profile_round_trips_and_tolerates_partial_files() {
    let root = tempfile::tempdir().unwrap();
    assert!(Profile::load(root.path()).is_none());
    let mut profile = Profile::load_or_create(root.path());
    assert!(profile.environment.cores.is_some_and(|c| c > 0), "environment detected silently");
    profile.usage.calls_per_day = Some(50_000.0);
    profile.usage.compute_cost_per_hour = Some(0.5);
    profile.constraints.push("no new dependencies".into());
    profile.mode = Some("vibe".into());
    profile.optimization_history.push(profile::HistoryEntry {
        task: "slow_sum".into(),
        file: "pkg/core.py".into(),
        metric: "speedup".into(),
        baseline_value: 1.0,
        achieved_value: 3.5,
        improvement: "3.50x".into(),
        monthly_savings: Some("$12".into()),
        date: "2026-01-01".into(),
        approach: "set membership".into(),
    });
    profile.save(root.path()).unwrap();
    assert_eq!(Profile::load(root.path()).unwrap(), profile);

    std::fs::write(profile::profile_path(root.path()), "usage:\n  calls_per_day: 10\nunknown_field: 1\n").unwrap();
    let partial = Profile::load(root.path()).unwrap();
    assert_eq!(partial.usage.calls_per_day, Some(10.0));
    std::fs::write(profile::profile_path(root.path()), "usage: [not, a, map\n").unwrap();
    assert!(Profile::load(root.path()).is_none(), "a broken profile is ignored, not fatal");
}

#[test]
fn a_profile_that_cannot_be_parsed_is_never_overwritten() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join(".weco")).unwrap();
    let broken = "# answers from last week\nusage:\n  calls_per_day: 10\noptimization_history:\n  - task: a\n    baseline_value: [oops\n";
    std::fs::write(profile::profile_path(root.path()), broken).unwrap();
    let why = Profile::read(root.path()).unwrap_err();
    assert!(why.contains("line"), "the error names the line: {why}");
    let mut profile = Profile::load_or_create(root.path());
    profile.mode = Some("vibe".into());
    let error = profile.save(root.path()).unwrap_err();
    assert!(error.to_string().contains("left as it is"), "{error}");
    assert_eq!(std::fs::read_to_string(profile::profile_path(root.path())).unwrap(), broken);
}

fn baseline(per_call: f64) -> Baseline {
    Baseline { metric_value: 1.0, eval_seconds: 2.5, per_call_seconds: Some(per_call), cv: Some(0.01), output: String::new(), isolation: Vec::new() }
}

#[test]
fn task_present_baseline_makes_slow_code_cost_tangible() {
    let mut profile = Profile::default();
    profile.usage.calls_per_day = Some(100_000.0);
    profile.usage.compute_cost_per_hour = Some(2.0);
    let text = profile::present_baseline_for_steps(&baseline(0.05), &profile, 10);
    assert!(text.contains("50.0 ms per call"), "{text}");
    assert!(text.contains("100,000 calls a day"), "{text}");
    assert!(text.contains("83.3 min of compute a day"), "{text}");
    assert!(text.contains("$83.33 a month"), "{text}");
    assert!(text.contains("27.5 s of evaluation"), "{text}");
}

#[test]
fn task_present_baseline_sets_expectations_for_fast_code() {
    let text = present_baseline(&baseline(0.00002), &Profile::default());
    assert!(text.contains("20.0 µs per call"), "{text}");
    assert!(text.contains("already fast"), "{text}");
    assert!(text.contains("depends on how often it runs") && !text.contains("Tell me"), "no question the user cannot answer: {text}");
}

#[test]
fn task_metric_line_must_be_last() {
    assert_eq!(preflight::parse_metric("noise\nspeedup: 2.5\n\n", "speedup"), Some(2.5));
    assert_eq!(preflight::parse_metric("speedup: 2.5\nTraceback...\n", "speedup"), None);
    assert_eq!(preflight::parse_metric("latency_ms: 3\n", "speedup"), None);
    assert_eq!(preflight::parse_metric("speedup: nan\n", "speedup"), None);
}

#[test]
fn task_preflight_timeout_kills_the_evaluation_and_reports_output() {
    let root = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new("bash");
    command.arg("-c").arg("echo started; exec sleep 30").current_dir(root.path());
    let started = std::time::Instant::now();
    let err = preflight::run_with_timeout(command, Duration::from_millis(300)).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    match err {
        TaskError::Timeout { output_tail, .. } => assert!(output_tail.contains("started")),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[test]
fn task_engine_task_carries_the_prepared_settings() {
    let task = PreparedTask {
        name: "f".into(),
        dir: Path::new("/p/.weco/f").into(),
        source_file: "optimize.py".into(),
        original_path: "/p/m.py".into(),
        eval_command: "bash evaluate.sh".into(),
        metric: "latency_ms".into(),
        goal: crate::engine::Goal::Minimize,
        inputs: InputOrigin::Manual,
        interpreter: Interpreter { path: "/usr/bin/python3".into(), manager: PackageManager::Pip, source: "PATH" },
        placement: Placement::Isolated,
        function: "f".into(),
        harness_dir: "/p/.weco/f".into(),
        evaluate_py: "/p/.weco/f/evaluate.py".into(),
        backup: None,
        recorded_calls: None,
    };
    let engine = task.engine_task(7, Duration::from_secs(60));
    assert_eq!((engine.steps, engine.metric.as_str(), engine.goal), (7, "latency_ms", crate::engine::Goal::Minimize));
    assert_eq!(engine.eval_command, "bash evaluate.sh");
    assert!(task.needs_manual_inputs());
}
