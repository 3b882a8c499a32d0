//! Each reason is found on a typical snippet, with a range on the offending code and a useful message.

use super::{kinds, only_f};
use crate::analysis::ReasonKind;

fn reason_text<'a>(source: &'a str, function: &crate::analysis::FunctionInfo, kind: ReasonKind) -> (&'a str, String) {
    let reason = function.reasons.iter().find(|r| r.kind == kind).unwrap_or_else(|| panic!("no {kind:?} in {:?}", function.reasons));
    (&source[reason.range.clone()], reason.message.clone())
}

#[test]
fn nested_for_loops_are_reported_with_their_depth() {
    let src = "def f(a, b):\n    n = 0\n    for x in a:\n        for y in b:\n            for z in b:\n                n += x * y * z\n    return n\n";
    let f = only_f(src);
    let (text, message) = reason_text(src, &f, ReasonKind::NestedLoops);
    assert!(text.starts_with("for x in a:"), "{text}");
    assert!(message.contains("3 deep"), "{message}");
    // Products over every combination are the algorithm: a hint in the hover, no lens.
    assert!(f.reasons.iter().all(|r| r.hint), "{:?}", f.reasons);
    assert!(!f.is_flagged());
    assert_eq!(f.score, ReasonKind::NestedLoops.weight());
}

#[test]
fn comprehension_inside_a_loop_counts_as_a_nested_loop() {
    let src = "def f(rows):\n    out = 0\n    for row in rows:\n        out += sum([c * 2 for c in row])\n    return out\n";
    let (_, message) = reason_text(src, &only_f(src), ReasonKind::NestedLoops);
    assert!(message.contains("2 deep"), "{message}");
}

#[test]
fn a_single_loop_is_not_nested() {
    let src = "def f(a):\n    total = 0\n    for x in a:\n        total += x\n    return total\n";
    assert!(!kinds(&only_f(src)).contains(&ReasonKind::NestedLoops));
}

#[test]
fn membership_in_a_list_variable_inside_a_loop() {
    let src = "def f(items, wanted):\n    seen = []\n    out = 0\n    for x in items:\n        if x not in seen:\n            seen.append(x)\n            out += 1\n    return out\n";
    let f = only_f(src);
    let (text, message) = reason_text(src, &f, ReasonKind::ListMembershipInLoop);
    assert_eq!(text, "x not in seen");
    assert!(message.contains("`x not in seen` scans the list `seen`"), "{message}");
    assert!(message.contains("set"), "{message}");
}

#[test]
fn membership_in_a_parameter_annotated_as_list() {
    let src =
        "from typing import List\ndef f(xs, allowed: List[int]):\n    n = 0\n    for x in xs:\n        if x in allowed:\n            n += 1\n    return n\n";
    assert!(kinds(&only_f(src)).contains(&ReasonKind::ListMembershipInLoop));
}

#[test]
fn membership_in_a_module_level_list_inside_a_comprehension() {
    let src = "STOP = ['a', 'an', 'the', 'of', 'in']\ndef f(words):\n    kept = [w for w in words if w not in STOP]\n    return kept\n";
    let f = only_f(src);
    let (text, _) = reason_text(src, &f, ReasonKind::ListMembershipInLoop);
    assert_eq!(text, "w not in STOP");
}

#[test]
fn membership_in_a_long_list_literal_inside_a_loop() {
    let src = "def f(xs):\n    n = 0\n    for x in xs:\n        if x in [1, 2, 3, 5, 8, 13]:\n            n += 1\n    return n\n";
    assert!(kinds(&only_f(src)).contains(&ReasonKind::ListMembershipInLoop));
}

#[test]
fn string_built_with_plus_equals_in_a_loop() {
    let src = "def f(parts):\n    out = ''\n    for p in parts:\n        out += p + ','\n    return out\n";
    let f = only_f(src);
    let (text, message) = reason_text(src, &f, ReasonKind::StringConcatInLoop);
    assert_eq!(text, "out += p + ','");
    assert!(message.contains("join"), "{message}");
}

#[test]
fn string_built_with_s_equals_s_plus_in_a_loop_from_an_fstring() {
    let src = "def f(parts, name):\n    out = f'{name}:'\n    for p in parts:\n        out = out + p\n    return out\n";
    let f = only_f(src);
    let (text, _) = reason_text(src, &f, ReasonKind::StringConcatInLoop);
    assert_eq!(text, "out = out + p");
}

#[test]
fn pop_front_and_insert_front_in_a_loop() {
    let src = "def f(queue, out):\n    while queue:\n        item = queue.pop(0)\n        out.insert(0, item)\n    return out\n";
    let f = only_f(src);
    let fronts: Vec<&str> = f.reasons.iter().filter(|r| r.kind == ReasonKind::FrontOfListOpInLoop).map(|r| &src[r.range.clone()]).collect();
    assert_eq!(fronts, ["queue.pop(0)", "out.insert(0, item)"]);
    assert!(f.reasons[0].message.contains("deque"), "{}", f.reasons[0].message);
}

#[test]
fn plain_recursion_without_a_cache() {
    let src = "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n";
    let analysis = super::analyze(src);
    let fib = super::function(&analysis, "fib");
    let (text, message) = reason_text(src, fib, ReasonKind::UncachedRecursion);
    assert_eq!(text, "fib(n - 1)");
    assert!(message.contains("2 times") && message.contains("functools.cache"), "{message}");
    assert!(fib.is_flagged());
}

#[test]
fn method_recursion_through_self() {
    let src = "class Tree:\n    def depth(self, node):\n        if node is None:\n            return 0\n        return 1 + max(self.depth(node.left), self.depth(node.right))\n";
    let analysis = super::analyze(src);
    assert!(kinds(super::function(&analysis, "Tree.depth")).contains(&ReasonKind::UncachedRecursion));
}

#[test]
fn sorting_inside_a_loop() {
    let src = "def f(groups):\n    out = []\n    for g in groups:\n        out.append(sorted(g))\n        g.sort()\n    return out\n";
    let f = only_f(src);
    let sorts: Vec<&str> = f.reasons.iter().filter(|r| r.kind == ReasonKind::SortInLoop).map(|r| &src[r.range.clone()]).collect();
    assert_eq!(sorts, ["sorted(g)", "g.sort()"]);
}

#[test]
fn regex_calls_inside_a_loop() {
    let src = "import re\ndef f(lines):\n    hits = 0\n    for line in lines:\n        if re.match(r'\\d+', line):\n            hits += 1\n    return hits\n";
    let f = only_f(src);
    let (text, message) = reason_text(src, &f, ReasonKind::RegexInLoop);
    assert_eq!(text, "re.match(r'\\d+', line)");
    assert!(message.contains("re.compile"), "{message}");
}

#[test]
fn copying_a_loop_invariant_list_in_an_inner_loop() {
    let src = "def f(grid, template):\n    n = 0\n    for row in grid:\n        for cell in row:\n            t = list(template)\n            n += len(t) + cell\n    return n\n";
    let f = only_f(src);
    let (text, _) = reason_text(src, &f, ReasonKind::AllocationInLoop);
    assert_eq!(text, "list(template)");
}

#[test]
fn sorted_then_first_or_last_element() {
    let src = "def f(xs, ys):\n    lo = sorted(xs)[0]\n    hi = sorted(ys, key=abs)[-1]\n    return lo, hi\n";
    let f = only_f(src);
    let messages: Vec<&str> = f.reasons.iter().filter(|r| r.kind == ReasonKind::SortForMinMax).map(|r| r.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{:?}", f.reasons);
    assert!(messages[0].contains("`min(...)`") && messages[1].contains("`max(...)`"), "{messages:?}");
    assert!(f.is_flagged());
}

#[test]
fn loop_that_only_appends_is_a_comprehension_candidate() {
    let src = "def f(xs):\n    result = []\n    for x in xs:\n        if x > 0:\n            result.append(x * 2)\n    return result\n";
    let f = only_f(src);
    let (text, message) = reason_text(src, &f, ReasonKind::AppendInLoop);
    assert!(text.starts_with("for x in xs:"), "{text}");
    assert!(message.contains("comprehension"), "{message}");
}

#[test]
fn reasons_are_in_source_order_and_scored() {
    let src = "def f(a, b):\n    out = ''\n    for x in a:\n        for y in sorted(b):\n            out += str(x)\n    return out\n";
    let f = only_f(src);
    assert_eq!(kinds(&f), [ReasonKind::NestedLoops, ReasonKind::SortInLoop, ReasonKind::StringConcatInLoop]);
    assert_eq!(f.score, 30 + 30 + 20);
}
