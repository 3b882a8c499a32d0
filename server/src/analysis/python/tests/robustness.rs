//! Broken code, pathological nesting and large files: no panics, no stack overflows, linear time.

use super::{analyze, names};
use crate::analysis::{Language, ReasonKind};

#[test]
fn broken_code_still_yields_the_functions_it_can() {
    let src = "def good(xs):\n    for a in xs:\n        for b in xs:\n            pass\n\ndef broken(x:\n    return x +\n\nclass K:\n    def m(self):\n        return self.m(\n";
    let analysis = analyze(src);
    assert!(analysis.has_errors);
    assert!(names(&analysis).contains(&"good"), "{:?}", names(&analysis));
    let good = super::function(&analysis, "good");
    assert_eq!(super::kinds(good), [ReasonKind::NestedLoops]);
}

#[test]
fn garbage_and_empty_input_do_not_panic() {
    for src in ["", "def", "def (", "class :\n  def", "((((((", "from . import", "import", "x = [", "\u{0}\u{ffff}é"] {
        let analysis = analyze(src);
        assert_eq!(analysis.language, Language::Python);
    }
}

/// Runs `work` on a thread with the default 2 MiB stack, like a tokio worker.
fn on_small_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(2 * 1024 * 1024).spawn(work).unwrap().join().unwrap()
}

#[test]
fn ten_thousand_deep_expression_does_not_overflow_the_stack() {
    let depth = 10_000;
    let src = format!("def f(x):\n    return {}x{}\n", "(".repeat(depth), ")".repeat(depth));
    let functions = on_small_stack(move || analyze(&src).functions.len());
    assert_eq!(functions, 1);
}

#[test]
fn deeply_nested_calls_and_attribute_chains_do_not_overflow_the_stack() {
    let depth = 10_000;
    let calls = format!("def f(x):\n    return {}x{}\n", "g(".repeat(depth), ")".repeat(depth));
    let chain = format!("def f():\n    return a{}\n", ".b".repeat(depth));
    let (n, uses) = on_small_stack(move || {
        let n = analyze(&calls).functions.len();
        let chain = analyze(&chain);
        (n, chain.functions[0].uses[0].path.len())
    });
    assert_eq!(n, 1);
    assert_eq!(uses, depth + 1);
}

#[test]
fn deeply_nested_functions_do_not_overflow_the_stack() {
    let depth = 400;
    let mut src = String::new();
    for level in 0..depth {
        src.push_str(&" ".repeat(level));
        src.push_str(&format!("def f{level}():\n"));
    }
    src.push_str(&" ".repeat(depth));
    src.push_str("return 1\n");
    let count = on_small_stack(move || analyze(&src).functions.len());
    assert_eq!(count, depth);
}

/// A large, realistic-looking file: many classes with loops, comprehensions, calls and imports.
fn large_source(classes: usize) -> String {
    let mut src = String::from("import os\nimport re\nfrom typing import List\nfrom .core import helpers\n\n");
    for i in 0..classes {
        src.push_str(&format!(
            "class Frame{i}(helpers.Base):\n    \"\"\"Doc.\"\"\"\n    LIMIT = {i}\n\n    def method_{i}(self, items: List[int], key=None):\n        out = []\n        seen = []\n        text = ''\n        for item in items:\n            if item not in seen and item > self.LIMIT:\n                seen.append(item)\n                text += str(item)\n            for other in sorted(items):\n                out.append(helpers.combine(item, other, os.sep))\n        return [x for x in out if re.match('a+', x)], text\n\n    @property\n    def value_{i}(self):\n        return self._value\n\n"
        ));
    }
    src
}

#[test]
fn a_large_file_is_analysed_whole() {
    // Speed against the parser is measured by the benchmark (bench/run.sh), not asserted here.
    let src = large_source(800);
    assert!(src.lines().count() > 14_000);
    let tree = Language::Python.parse(&src, None).unwrap();
    let analysis = crate::analysis::python::analyze(&tree, &src);
    assert_eq!(analysis.functions.len(), 1600);
    assert!(analysis.functions[0].is_flagged());
}
