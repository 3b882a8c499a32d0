//! Tests of the cargo harness of Rust tasks, with real cargo builds of fixture crates.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::preflight::{parse_metric, run_with_timeout};
use super::rust_harness::{cargo_toml, inputs_rs, is_standalone};
use super::rust_types::find_signature;
use super::{InputOrigin, MetricKind, Placement, TaskRequest, preflight, prepare_task};
use crate::analysis::Language;

/// A cold release build plus a timing run on a busy two-core machine.
const EVAL_TIMEOUT: Duration = Duration::from_secs(300);

const SLOW_COUNT: &str = "//! Counting shared items.\n\
    #![allow(clippy::all)]\n\n\
    /// How many items of `a` are also in `b`.\n\
    pub fn count_common(a: &[u32], b: &[u32]) -> usize {\n\
    \x20   let mut count = 0;\n\
    \x20   for x in a {\n\
    \x20       if b.contains(x) {\n\
    \x20           count += 1;\n\
    \x20       }\n\
    \x20   }\n\
    \x20   count\n\
    }\n";

const FAST_COUNT: &str = "//! Counting shared items.\n\
    #![allow(clippy::all)]\n\
    use std::collections::HashSet;\n\n\
    /// How many items of `a` are also in `b`.\n\
    pub fn count_common(a: &[u32], b: &[u32]) -> usize {\n\
    \x20   let set: HashSet<u32> = b.iter().copied().collect();\n\
    \x20   a.iter().filter(|x| set.contains(x)).count()\n\
    }\n";

fn crate_fixture(files: &[(&str, &str)]) -> tempfile::TempDir {
    crate_fixture_in_edition(files, "2021")
}

fn crate_fixture_in_edition(files: &[(&str, &str)], edition: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("Cargo.toml"), format!("[package]\nname = \"fixture\"\nversion = \"0.1.0\"\nedition = \"{edition}\"\n\n[dependencies]\n"))
        .unwrap();
    for (path, text) in files {
        let path = root.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}

fn request(root: &Path, file: &str, function: &str) -> TaskRequest {
    TaskRequest {
        workspace_root: root.to_path_buf(),
        source_path: root.join(file),
        function: function.into(),
        language: Language::Rust,
        metric: MetricKind::Speedup,
        placement: Placement::Isolated,
        source_text: std::fs::read_to_string(root.join(file)).unwrap_or_default(),
        consolidated_from: None,
        cancel: Default::default(),
        progress: None,
    }
}

/// Runs `bash evaluate.sh` in `dir`; the whole output.
fn evaluate(dir: &Path) -> String {
    let mut command = Command::new("bash");
    command.arg("-c").arg("bash evaluate.sh 2>&1").current_dir(dir);
    run_with_timeout(command, EVAL_TIMEOUT).unwrap().text
}

fn copy_without_target(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == "target" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_without_target(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn the_harness_builds_and_accepts_the_baseline_under_every_edition() {
    // `cargo init` makes edition 2024 crates since Rust 1.85; older crates declare 2015 to 2021.
    for edition in ["2015", "2018", "2021", "2024"] {
        let root = crate_fixture_in_edition(&[("src/lib.rs", SLOW_COUNT)], edition);
        let task = prepare_task(&request(root.path(), "src/lib.rs", "count_common")).unwrap();
        let baseline = preflight(&task, EVAL_TIMEOUT).unwrap_or_else(|e| panic!("edition {edition}: {e}"));
        assert!(baseline.per_call_seconds.is_some(), "edition {edition}:\n{}", baseline.output);
    }
}

#[test]
fn rust_task_judges_baseline_faster_wrong_and_broken_candidates() {
    let root = crate_fixture(&[("src/lib.rs", SLOW_COUNT)]);
    let task = prepare_task(&request(root.path(), "src/lib.rs", "count_common")).unwrap();
    assert_eq!(task.source_file, PathBuf::from("optimize.rs"));
    assert_eq!(task.inputs, InputOrigin::TypeHints);
    assert_eq!(std::fs::read_to_string(task.dir.join("optimize.rs")).unwrap(), SLOW_COUNT, "a standalone file is taken as it is");

    let baseline = preflight(&task, EVAL_TIMEOUT).unwrap();
    assert!(baseline.metric_value < 1.3, "identical code measures about 1.0:\n{}", baseline.output);
    let per_call = baseline.per_call_seconds.expect("last_eval.json has baseline_seconds_per_call");
    assert!(per_call > 1e-4, "synthesized inputs are large enough to time ({per_call} s/call)");
    assert!(baseline.cv.is_some());

    std::fs::write(task.dir.join("optimize.rs"), FAST_COUNT).unwrap();
    let output = evaluate(&task.dir);
    let speedup = parse_metric(&output, "speedup").unwrap_or_else(|| panic!("no metric:\n{output}"));
    assert!(speedup > 2.0, "a HashSet beats a linear scan:\n{output}");

    std::fs::write(task.dir.join("optimize.rs"), SLOW_COUNT.replace("count += 1", "count += 2")).unwrap();
    let output = evaluate(&task.dir);
    assert!(output.contains("Constraint violated: the candidate's output differs"), "{output}");
    assert_eq!(parse_metric(&output, "speedup"), Some(0.0), "{output}");

    std::fs::write(task.dir.join("optimize.rs"), SLOW_COUNT.replace("count += 1", "count += undefined_name")).unwrap();
    let output = evaluate(&task.dir);
    assert!(output.contains("Constraint violated: the candidate does not compile"), "{output}");
    assert!(output.contains("undefined_name") && output.contains("optimize.rs"), "the first error is quoted:\n{output}");
    assert_eq!(parse_metric(&output, "speedup"), Some(0.0), "{output}");

    // Relocatable: a copy without the build folder judges its own optimize.rs.
    let copy = tempfile::tempdir().unwrap();
    copy_without_target(&task.dir, copy.path());
    std::fs::write(copy.path().join("optimize.rs"), FAST_COUNT).unwrap();
    let output = evaluate(copy.path());
    assert!(parse_metric(&output, "speedup").is_some_and(|s| s > 2.0), "{output}");
}

#[test]
fn rust_task_of_a_function_using_another_module_is_consolidated_and_compiles() {
    let root = crate_fixture(&[
        ("src/lib.rs", "pub mod geometry;\npub mod stats;\n"),
        (
            "src/geometry.rs",
            "#[derive(Debug, Clone, PartialEq)]\npub struct Point {\n    pub x: f64,\n    pub y: f64,\n}\n\n\
             pub fn distance(a: &Point, b: &Point) -> f64 {\n    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()\n}\n",
        ),
        (
            "src/stats.rs",
            "use crate::geometry::{distance, Point};\n\n\
             pub fn farthest_pair(points: &[Point]) -> f64 {\n    let mut best = 0.0;\n    for a in points {\n        for b in points {\n            let d = distance(a, b);\n            if d > best {\n                best = d;\n            }\n        }\n    }\n    best\n}\n",
        ),
    ]);
    let task = prepare_task(&request(root.path(), "src/stats.rs", "farthest_pair")).unwrap();
    let optimized = std::fs::read_to_string(task.dir.join("optimize.rs")).unwrap();
    assert!(optimized.contains("struct Point") && optimized.contains("fn distance") && !optimized.contains("crate::"), "{optimized}");
    assert_eq!(task.inputs, InputOrigin::Manual, "a project type cannot be made up");
    assert!(task.needs_manual_inputs() && task.evaluate_py.ends_with("src/inputs.rs"));

    let output = evaluate(&task.dir);
    assert!(output.contains("make_inputs() in src/inputs.rs returned no inputs"), "the stub compiles:\n{output}");

    let inputs = std::fs::read_to_string(&task.evaluate_py).unwrap();
    assert!(inputs.contains("WECO: FILL IN"), "{inputs}");
    let filled =
        inputs.replace("        Vec::new()", "        vec![((0..300).map(|i| Point { x: (i * 7 % 101) as f64, y: (i * 13 % 97) as f64 }).collect(),)]");
    std::fs::write(&task.evaluate_py, filled).unwrap();
    let output = evaluate(&task.dir);
    assert!(parse_metric(&output, "speedup").is_some(), "filled-in inputs are measured:\n{output}");
}

#[test]
fn rust_inputs_are_synthesized_for_standard_types_and_stubbed_otherwise() {
    let source = "pub fn f(a: &[u32], s: &str, n: u64, m: &mut Vec<f64>, h: HashMap<String, i32>) -> (usize, f64) { (0, 0.0) }\n\
                  pub fn g(p: &Point) -> Point { p.clone() }\nstruct S;\nimpl S { pub fn h(&self) {} }\n";
    let f = inputs_rs(&find_signature(source, "f").unwrap(), "f");
    assert_eq!(f.origin, InputOrigin::TypeHints);
    assert!(f.text.contains("pub type Input = (Vec<u32>, String, u64, Vec<f64>, HashMap<String, i32>);"), "{}", f.text);
    assert!(f.text.contains("super::f(&input.0, &input.1, input.2, &mut input.3, std::mem::take(&mut input.4))"), "{}", f.text);
    assert!(f.text.contains("crate::Canon::canon(output)"));
    let g = inputs_rs(&find_signature(source, "g").unwrap(), "g");
    assert_eq!(g.origin, InputOrigin::Manual);
    assert!(g.text.contains("crate::debug_value(output)") && g.text.contains("super::g(&input.0)"), "{}", g.text);
    assert_eq!(inputs_rs(&find_signature(source, "S::h").unwrap(), "S::h").origin, InputOrigin::Manual);
}

#[test]
fn rust_files_naming_their_crate_are_not_standalone() {
    assert!(is_standalone(SLOW_COUNT));
    assert!(is_standalone("use std::collections::HashMap; // crate::x in a comment\nfn f() {}"));
    assert!(!is_standalone("use crate::geometry::Point;\nfn f() {}"));
    assert!(!is_standalone("mod helpers;\nfn f() {}"));
    assert!(!is_standalone("fn f() { super::g() }"));
}

#[test]
fn rust_harness_manifest_keeps_dependencies_with_absolute_paths() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("app")).unwrap();
    std::fs::create_dir_all(root.path().join("util")).unwrap();
    std::fs::write(root.path().join("Cargo.toml"), "[workspace]\nmembers = [\"app\"]\n\n[workspace.dependencies]\nregex = \"1.10\"\n").unwrap();
    let manifest = root.path().join("app/Cargo.toml");
    std::fs::write(
        &manifest,
        "[package]\nname = \"app\"\nedition = \"2024\"\n\n[dependencies]\nutil = { path = \"../util\" }\nregex.workspace = true\n\n\
         [dev-dependencies]\ntempfile = \"3\"\n",
    )
    .unwrap();
    let toml = cargo_toml(Some(&manifest));
    let util = root.path().join("util").canonicalize().unwrap();
    assert!(toml.contains(&format!("util = {{ path = \"{}\" }}", util.display())), "{toml}");
    assert!(toml.contains("regex = \"1.10\""), "{toml}");
    assert!(toml.contains("edition = \"2024\"") && toml.contains("[workspace]") && !toml.contains("tempfile"), "{toml}");
}

/// strsim's shape: a generic edit distance over any `Eq + Hash` elements, and a similarity over anything whose
/// reference iterates.
const GENERIC: &str = "use std::hash::Hash;\n\
    pub fn common<E>(a: &[E], b: &[E]) -> usize\n\
    where\n    E: Eq + Hash + Clone,\n{\n\
    \x20   a.iter().filter(|x| b.contains(x)).count()\n}\n\n\
    pub fn matches<'a, 'b, I1, I2, E1, E2>(a: &'a I1, b: &'b I2) -> usize\n\
    where\n    &'a I1: IntoIterator<Item = E1>,\n    &'b I2: IntoIterator<Item = E2>,\n    E1: PartialEq<E2>,\n{\n\
    \x20   a.into_iter().map(|x| b.into_iter().filter(|y| x == *y).count()).sum()\n}\n";

#[test]
fn generic_functions_are_called_with_standard_types_that_meet_their_bounds() {
    let root = crate_fixture(&[("src/lib.rs", GENERIC)]);
    for function in ["common", "matches"] {
        let task = prepare_task(&request(root.path(), "src/lib.rs", function)).unwrap();
        assert_eq!(task.inputs, InputOrigin::TypeHints, "{function}");
        let inputs = std::fs::read_to_string(task.dir.join("src/inputs.rs")).unwrap();
        assert!(inputs.contains("instantiated as"), "{inputs}");
        let baseline = preflight(&task, EVAL_TIMEOUT).unwrap_or_else(|e| panic!("{function}: {e}"));
        assert!(baseline.metric_value > 0.7 && baseline.metric_value < 1.3, "{function}:\n{}", baseline.output);
    }
}
