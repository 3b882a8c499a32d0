//! Shapes of real libraries the harness must leave as they are: a registry that refuses a second
//! registration at import, results whose classes the module defines, and a lazily filled cache on
//! an argument. The unchanged original must pass its own harness (the A/A gate), and a real
//! improvement must still be measured.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;

/// A package whose module registers itself at import and refuses duplicates, returns instances of
/// its own class, and keeps a private cache on the argument it is given.
const REGISTRY: &str = "REGISTERED = {}\n\n\ndef register(name):\n    def wrap(cls):\n        if name in REGISTERED:\n            raise KeyError(f'{name} already exists in dispatch registry')\n        REGISTERED[name] = cls\n        return cls\n    return wrap\n";

const CORE: &str = r#"from .registry import register


@register("token")
class Token:
    def __init__(self, text, weight):
        self.text = text
        self.weight = weight

    def __eq__(self, other):
        return isinstance(other, Token) and (self.text, self.weight) == (other.text, other.weight)

    def __repr__(self):
        return f"Token({self.text!r}, {self.weight})"


class Corpus:
    def __init__(self, words):
        self.words = words
        self._cache = {}


def distinct_tokens(corpus: Corpus) -> list:
    """Distinct words as tokens, first appearance first; remembers lengths in the corpus's cache."""
    out = []
    seen_texts = []
    for word in corpus.words:
        corpus._cache.setdefault(word, len(word))
        if word not in seen_texts:
            seen_texts.append(word)
            out.append(Token(word, corpus._cache[word]))
    return out
"#;

const TEST: &str = r#"from pkg.core import Corpus, distinct_tokens


def test_distinct_tokens():
    for n in range(8):
        words = [f"w{i % (300 + n)}" for i in range(3000)]
        assert len(distinct_tokens(Corpus(words))) == 300 + n
"#;

fn project() -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let pkg = root.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("__init__.py"), "from . import core\n").unwrap();
    std::fs::write(pkg.join("registry.py"), REGISTRY).unwrap();
    std::fs::write(pkg.join("core.py"), CORE).unwrap();
    std::fs::create_dir_all(root.path().join("tests")).unwrap();
    std::fs::write(root.path().join("tests/test_core.py"), TEST).unwrap();
    let file = pkg.join("core.py");
    (root, file)
}

/// A project of one module `<name>.py` and its test `tests/test_<name>.py`; the module's path.
fn one_module_project(name: &str, source: &str, test: &str) -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join(format!("{name}.py"));
    std::fs::write(&file, source).unwrap();
    std::fs::create_dir_all(root.path().join("tests")).unwrap();
    std::fs::write(root.path().join(format!("tests/test_{name}.py")), test).unwrap();
    (root, file)
}

fn request(root: &Path, file: &Path) -> TaskRequest {
    TaskRequest {
        workspace_root: root.to_path_buf(),
        source_path: file.to_path_buf(),
        function: "distinct_tokens".into(),
        language: Language::Python,
        metric: MetricKind::Speedup,
        placement: Placement::Isolated,
        source_text: std::fs::read_to_string(file).unwrap(),
        consolidated_from: None,
        cancel: Default::default(),
        progress: None,
    }
}

#[test]
fn a_registering_module_with_its_own_classes_and_a_lazy_cache_passes_its_own_harness() {
    let (root, file) = project();
    let task = prepare_task(&request(root.path(), &file)).expect("task prepared");
    assert_eq!(task.inputs, InputOrigin::Recorded, "inputs come from the project's test");
    let baseline = preflight(&task, Duration::from_secs(120)).unwrap_or_else(|e| panic!("the unchanged original is accepted: {e}"));
    assert!((baseline.metric_value - 1.0).abs() < 1e-9, "{}", baseline.output);

    // A real improvement is still measured, through the same real module.
    let faster = CORE.replace("seen_texts = []", "seen_texts = set()").replace("seen_texts.append(word)", "seen_texts.add(word)");
    std::fs::write(task.dir.join("optimize.py"), faster).unwrap();
    let measured = preflight(&task, Duration::from_secs(120)).expect("the faster candidate is measured");
    assert!(measured.metric_value > 1.5, "{}", measured.output);

    // A candidate that returns different tokens is still caught.
    let wrong = CORE.replace("Token(word, corpus._cache[word])", "Token(word, 0)");
    std::fs::write(task.dir.join("optimize.py"), wrong).unwrap();
    let judged = preflight(&task, Duration::from_secs(120)).expect("the wrong candidate is judged");
    assert_eq!(judged.metric_value, 0.0, "{}", judged.output);
    assert!(judged.output.contains("Constraint violated") && judged.output.contains("weight"), "{}", judged.output);
}

const DIGITS: &str = r#"def digit_sum(n: int) -> int:
    """Sum of the decimal digits.

    >>> digit_sum(98765432109876543210987654321098765432109876543210)
    225
    """
    if n < 10:
        return n
    return digit_sum(n // 10) + n % 10
"#;

#[test]
fn a_cache_across_calls_is_not_a_win_when_inputs_repeat() {
    // The doctest's one input repeats in every timed batch; an unbounded cache makes the repeats free,
    // which real use with distinct numbers does not see.
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("numbers.py");
    std::fs::write(&file, DIGITS).unwrap();
    let mut req = request(root.path(), &file);
    req.function = "digit_sum".into();
    let task = prepare_task(&req).expect("task prepared");
    preflight(&task, Duration::from_secs(120)).expect("the unchanged original is accepted");
    let cached = DIGITS.replace("def digit_sum", "import functools\n\n\n@functools.lru_cache(maxsize=None)\ndef digit_sum");
    std::fs::write(task.dir.join("optimize.py"), cached).unwrap();
    let measured = preflight(&task, Duration::from_secs(120)).expect("the cached candidate is measured");
    assert!(measured.output.contains("keeps results across calls (digit_sum)"), "{}", measured.output);
    assert!(measured.metric_value < 1.2, "a cache across calls is no win on distinct inputs:\n{}", measured.output);
}

const TREE: &str = r#"class Node:
    __slots__ = ("value", "parent", "children")

    def __init__(self, value, parent=None):
        self.value = value
        self.parent = parent
        self.children = []


def build(values: list) -> Node:
    """A root whose children point back to it.

    >>> build(list(range(300))).value
    0
    """
    root = Node(0)
    for v in values:
        if v not in [c.value for c in root.children]:
            root.children.append(Node(v, root))
    return root
"#;

#[test]
fn results_with_slots_and_parent_pointers_compare_by_their_public_state() {
    // Parsers return token trees like this (sqlparse): no __eq__, __slots__, and cycles.
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("tree.py");
    std::fs::write(&file, TREE).unwrap();
    let mut req = request(root.path(), &file);
    req.function = "build".into();
    let task = prepare_task(&req).expect("task prepared");
    let baseline = preflight(&task, Duration::from_secs(120)).unwrap_or_else(|e| panic!("the unchanged original is accepted: {e}"));
    assert_eq!(baseline.metric_value, 1.0, "{}", baseline.output);
    std::fs::write(task.dir.join("optimize.py"), TREE.replace("Node(v, root)", "Node(v + 1, root)")).unwrap();
    let judged = preflight(&task, Duration::from_secs(120)).expect("judged");
    assert!(judged.output.contains("Constraint violated: input #"), "{}", judged.output);
}

const UNIQUE: &str = "def unique(seq, key=None):\n    seen = []\n    for item in seq:\n        k = key(item) if key else item\n        if k not in seen:\n            seen.append(k)\n            yield item\n";

#[test]
fn a_lambda_argument_is_recorded_from_its_code_and_replayed() {
    // `key=lambda ...` is the commonest argument pickle refuses (toolz, sortedcontainers, boltons
    // tests all pass one); it is recorded as its compiled code, closure included.
    let test = "from util import unique\n\n\ndef test_unique():\n    width = 300\n    assert list(unique(range(6000), key=lambda x: x % width)) == list(range(width))\n";
    let (root, file) = one_module_project("util", UNIQUE, test);
    let mut req = request(root.path(), &file);
    req.function = "unique".into();
    let task = prepare_task(&req).expect("task prepared");
    let report = inputs::recording_report(&task.harness_dir).unwrap_or_default();
    assert_eq!(task.inputs, InputOrigin::Recorded, "{report}");
    assert!(report.contains("calls of `unique` seen: 1"), "a generator's resumptions are not calls: {report}");
    assert!(report.contains("replayed from their compiled code"), "{report}");
    let baseline = preflight(&task, Duration::from_secs(120)).expect("the unchanged original is accepted");
    assert!(baseline.output.contains("speedup"), "{}", baseline.output);
    let faster = UNIQUE.replace("seen = []", "seen = set()").replace("seen.append(k)", "seen.add(k)");
    std::fs::write(task.dir.join("optimize.py"), faster).unwrap();
    let measured = preflight(&task, Duration::from_secs(120)).expect("the candidate is measured with the replayed key");
    assert!(measured.metric_value > 2.0, "{}", measured.output);
}

#[test]
fn when_nothing_can_be_recorded_the_task_folder_says_why() {
    let (root, file) = one_module_project(
        "util",
        "def unique(seq, lock):\n    seen = []\n    for item in seq:\n        with lock:\n            if item not in seen:\n                seen.append(item)\n    return seen\n",
        "import threading\nfrom util import unique\n\n\ndef test_unique():\n    assert unique([i % 300 for i in range(2000)], threading.Lock()) == list(range(300))\n",
    );
    let mut req = request(root.path(), &file);
    req.function = "unique".into();
    let task = prepare_task(&req).expect("task prepared");
    assert_ne!(task.inputs, InputOrigin::Recorded);
    let report = inputs::recording_report(&task.harness_dir).expect("the recording says why it found nothing");
    assert!(report.contains("argument 2 (`lock`, a lock") && report.contains("cannot be recorded"), "{report}");
}

#[test]
fn the_verification_times_inputs_the_search_never_saw() {
    let (root, file) = project();
    let task = prepare_task(&request(root.path(), &file)).expect("task prepared");
    preflight(&task, Duration::from_secs(120)).expect("baseline");
    let run = |set: &str| {
        let mut command = std::process::Command::new("bash");
        command.arg("-c").arg("bash evaluate.sh 2>&1").current_dir(&task.dir).env("WECO_INPUTS", set);
        preflight::run_with_timeout(command, Duration::from_secs(120)).unwrap().text
    };
    // The recorded calls are split: every fourth is held out for the verification.
    let search = run("search");
    let holdout = run("holdout");
    let count = |out: &str| -> (usize, usize) {
        let line = out.lines().find(|l| l.starts_with("inputs: the ")).unwrap_or_else(|| panic!("{out}"));
        let numbers: Vec<usize> = line.split_whitespace().filter_map(|w| w.parse().ok()).collect();
        (numbers[0], numbers[1])
    };
    let (searched, total) = count(&search);
    let (held_out, total_again) = count(&holdout);
    assert_eq!(total, total_again);
    assert_eq!(searched + held_out, total, "{search}\n{holdout}");
    assert!(held_out > 0 && held_out < searched, "{search}\n{holdout}");
}

const PATHS: &str = r#"def paths(rows, cols):
    """Monotone lattice paths."""
    if rows == 0 or cols == 0:
        return 1
    return paths(rows - 1, cols) + paths(rows, cols - 1)
"#;

#[test]
fn recursive_calls_inside_the_function_are_not_recorded_as_inputs() {
    // Recording every call of a recursive function fills the inputs with base cases that take a
    // microsecond, so no change to the real call (memoization above all) could show.
    let test = "from grid import paths\n\n\ndef test_paths():\n    for n in (9, 10, 11):\n        assert paths(n, n) > 0\n";
    let (root, file) = one_module_project("grid", PATHS, test);
    let mut req = request(root.path(), &file);
    req.function = "paths".into();
    let task = prepare_task(&req).expect("task prepared");
    assert_eq!(task.inputs, InputOrigin::Recorded);
    let script = "import pickle, sys\nblobs = pickle.load(open(sys.argv[1], 'rb'))\nprint(sorted(pickle.loads(b)[0] if isinstance(b, bytes) else b[0] for b in blobs))\n";
    let listed = std::process::Command::new("python3").arg("-c").arg(script).arg(task.dir.join("inputs.pkl")).output().unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    assert_eq!(listed.trim(), "[(9, 9), (10, 10), (11, 11)]", "only the tests' own calls are inputs");
    preflight(&task, Duration::from_secs(120)).expect("the unchanged original is accepted");
    let memoized = crate::engine::local::rewrites::python::memoize_recursion(PATHS, Some("paths")).expect("the rewrite applies");
    std::fs::write(task.dir.join("optimize.py"), memoized).unwrap();
    let measured = preflight(&task, Duration::from_secs(120)).expect("the memoized candidate is measured");
    assert!(measured.metric_value > 3.0, "the top-level calls are what is timed:\n{}", measured.output);
}
