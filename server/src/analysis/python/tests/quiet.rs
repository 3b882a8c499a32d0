//! Code that looks like a pattern but is fine must stay quiet.

use super::{analyze, function, kinds, only_f};
use crate::analysis::ReasonKind;

#[test]
fn membership_in_dicts_sets_and_strings_is_fine() {
    let src = "def f(xs, text):\n    lookup = {'a': 1}\n    allowed = set(xs)\n    vowels = 'aeiou'\n    frozen = {1, 2}\n    n = 0\n    for x in xs:\n        if x in lookup or x in allowed or x in vowels or x in frozen or x in text:\n            n += 1\n    return n\n";
    assert!(!kinds(&only_f(src)).contains(&ReasonKind::ListMembershipInLoop), "{:?}", only_f(src).reasons);
}

#[test]
fn membership_in_a_short_literal_list_is_fine() {
    let src = "def f(xs):\n    n = 0\n    for x in xs:\n        if x in ['a', 'b']:\n            n += 1\n    return n\n";
    assert!(!kinds(&only_f(src)).contains(&ReasonKind::ListMembershipInLoop));
}

#[test]
fn membership_outside_a_loop_is_fine() {
    let src = "def f(x):\n    items = [1, 2, 3, 4, 5]\n    if x in items:\n        return 1\n    return 0\n";
    assert!(only_f(src).reasons.is_empty());
}

#[test]
fn recursion_with_lru_cache_or_functools_cache_is_fine() {
    for decorator in ["@lru_cache(maxsize=None)", "@functools.cache", "@functools.lru_cache", "@cache"] {
        let src = format!("{decorator}\ndef fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n");
        let analysis = analyze(&src);
        let fib = function(&analysis, "fib");
        assert!(!kinds(fib).contains(&ReasonKind::UncachedRecursion), "{decorator}: {:?}", fib.reasons);
    }
}

#[test]
fn recursion_with_an_explicit_memo_is_fine() {
    let src = "def fib(n, memo={}):\n    if n in memo:\n        return memo[n]\n    if n < 2:\n        return n\n    memo[n] = fib(n - 1, memo) + fib(n - 2, memo)\n    return memo[n]\n";
    let analysis = analyze(src);
    assert!(function(&analysis, "fib").reasons.is_empty());
}

#[test]
fn calling_a_same_named_function_from_a_method_is_not_recursion() {
    let src = "class A:\n    def run(self, x):\n        y = x + 1\n        z = run(y)\n        return z * 2\n";
    let analysis = analyze(src);
    assert!(!kinds(function(&analysis, "A.run")).contains(&ReasonKind::UncachedRecursion));
}

#[test]
fn sorting_outside_a_loop_and_sorting_the_iterable_once_are_fine() {
    let src = "def f(xs):\n    ys = sorted(xs)\n    total = 0\n    for y in sorted(xs):\n        total += y\n    zs = [z for z in sorted(xs)]\n    return ys, total, zs\n";
    assert!(!kinds(&only_f(src)).contains(&ReasonKind::SortInLoop), "{:?}", only_f(src).reasons);
}

#[test]
fn a_fresh_string_per_iteration_is_not_growth() {
    let src = "def f(rows):\n    out = []\n    for r in rows:\n        line = ''\n        line += r\n        out.append(line)\n    return out\n";
    assert!(!kinds(&only_f(src)).contains(&ReasonKind::StringConcatInLoop));
}

#[test]
fn numeric_accumulation_is_not_string_concat() {
    let src = "def f(xs):\n    total = 0\n    for x in xs:\n        total += x\n        total = total + 1\n    return total\n";
    assert!(only_f(src).reasons.is_empty());
}

#[test]
fn dict_pop_and_regex_outside_loops_are_fine() {
    let src = "import re\ndef f(d, text):\n    pattern = re.compile(r'x+')\n    for k in list(d):\n        d.pop(k)\n    return pattern.findall(text)\n";
    assert!(only_f(src).reasons.is_empty(), "{:?}", only_f(src).reasons);
}

#[test]
fn copies_of_values_that_change_per_iteration_are_fine() {
    let src = "def f(grid):\n    n = 0\n    for row in grid:\n        for cell in row:\n            c = list(cell)\n            n += len(c)\n    return n\n";
    assert!(!kinds(&only_f(src)).contains(&ReasonKind::AllocationInLoop));
}

#[test]
fn appending_to_a_parameter_or_doing_more_than_append_is_not_a_comprehension_candidate() {
    let src =
        "def f(xs, out):\n    for x in xs:\n        out.append(x)\n    res = []\n    for x in xs:\n        res.append(x)\n        print(x)\n    return res\n";
    assert!(!kinds(&only_f(src)).contains(&ReasonKind::AppendInLoop));
}

#[test]
fn getters_one_liners_and_properties_are_trivial_and_unflagged() {
    let src = "class P:\n    @property\n    def name(self):\n        return self._name\n\n    def set_name(self, v):\n        \"\"\"Sets the name.\"\"\"\n        self._name = v\n\ndef add(a, b): return a + b\n\ndef head(xs):\n    return xs[0]\n";
    let analysis = analyze(src);
    for name in ["P.name", "P.set_name", "add", "head"] {
        let f = function(&analysis, name);
        assert!(f.trivial, "{name} should be trivial");
        assert!(!f.is_flagged(), "{name}");
        assert_eq!(f.score, 0, "{name}");
    }
}

#[test]
fn functions_with_a_loop_are_not_trivial() {
    let src = "def f(xs):\n    return sum(x for x in xs)\n";
    assert!(!only_f(src).trivial);
}
