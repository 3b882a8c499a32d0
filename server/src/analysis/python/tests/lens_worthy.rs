//! Which findings earn a lens: searches and overlapping recursion do; nesting that is the algorithm, descents over a
//! structure, appends and cached regexes stay hints (shapes seen as false alarms on real packages).

use super::only_f;
use crate::analysis::{FunctionInfo, ReasonKind};

fn reason(function: &FunctionInfo, kind: ReasonKind) -> &crate::analysis::Reason {
    function.reasons.iter().find(|r| r.kind == kind).unwrap_or_else(|| panic!("no {kind:?} in {:?}", function.reasons))
}

#[test]
fn an_inner_loop_that_searches_for_an_equal_key_earns_a_lens() {
    let shapes = [
        "def f(orders, customers):\n    out = []\n    for o in orders:\n        for c in customers:\n            if c.id == o.customer_id:\n                out.append((o, c))\n    return out\n",
        "def f(xs):\n    n = 0\n    for i in range(len(xs)):\n        for j in range(i):\n            if xs[j] == xs[i]:\n                n += 1\n    return n\n",
        "def f(orders, customers):\n    return [(o, c) for o in orders for c in customers if o.cid == c.id]\n",
        "def f(orders, customers):\n    out = []\n    for o in orders:\n        if any(c.id == o.cid for c in customers):\n            out.append(o)\n    return out\n",
        "def f(orders, customers):\n    out = []\n    for o in orders:\n        out.append(next((c for c in customers if c.id == o.cid), None))\n    return out\n",
    ];
    for src in shapes {
        let f = only_f(src);
        let nest = reason(&f, ReasonKind::NestedLoops);
        assert!(!nest.hint, "{src}");
        assert!(nest.message.contains("dict"), "{}", nest.message);
        assert!(f.is_flagged(), "{src}");
    }
}

#[test]
fn nesting_that_is_the_algorithm_or_a_walk_is_only_a_hint() {
    let shapes = [
        // Edit distance: every cell of the table is the work.
        "def f(a, b):\n    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]\n    for i in range(1, len(a) + 1):\n        for j in range(1, len(b) + 1):\n            cost = 0 if a[i - 1] == b[j - 1] else 1\n            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)\n    return d[-1][-1]\n",
        // Each item's own parts: linear in the total size.
        "def f(nodes, name):\n    out = []\n    for node in nodes:\n        for child in node.children:\n            if child.name == name:\n                out.append(child)\n    return out\n",
        "def f(graph, start):\n    seen = {start}\n    stack = [start]\n    while stack:\n        n = stack.pop()\n        for m in graph[n]:\n            if m not in seen:\n                seen.add(m)\n                stack.append(m)\n    return seen\n",
        "def f(terms):\n    return [factor for term in terms for factor in term.factors if factor.power == 1]\n",
        // A product over all pairs, by definition.
        "def f(xs, ys):\n    return [x * y for x in xs for y in ys]\n",
    ];
    for src in shapes {
        let f = only_f(src);
        assert!(f.reasons.iter().all(|r| r.hint), "{src}\n{:?}", f.reasons);
        assert!(!f.is_flagged(), "{src}");
    }
}

#[test]
fn recursion_earns_a_lens_only_when_its_calls_can_overlap() {
    let overlapping = [
        "def f(n):\n    if n < 2:\n        return n\n    return f(n - 1) + f(n - 2)\n",
        "def f(n, k):\n    if n == 0:\n        return 1\n    return sum(f(n - i, k) for i in range(1, min(n, k) + 1))\n",
        "def f(s):\n    if not s:\n        return 1\n    total = 0\n    for i in range(1, len(s) + 1):\n        total += f(s[i:])\n    return total\n",
    ];
    for src in overlapping {
        let f = only_f(src);
        assert!(!reason(&f, ReasonKind::UncachedRecursion).hint, "{src}");
        assert!(f.is_flagged(), "{src}");
    }
    let descending = [
        "def f(node):\n    if node is None:\n        return 0\n    return 1 + f(node.left) + f(node.right)\n",
        "def f(tree):\n    if isinstance(tree, list):\n        return [f(t) for t in tree]\n    return tree\n",
        "def f(n):\n    if n == 0:\n        return 1\n    return n * f(n - 1)\n",
    ];
    for src in descending {
        let f = only_f(src);
        assert!(reason(&f, ReasonKind::UncachedRecursion).hint, "{src}");
        assert!(!f.is_flagged(), "{src}");
    }
}

#[test]
fn appends_and_cached_regexes_alone_are_hints_but_keep_a_lens_beside_a_real_finding() {
    let append = "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x * 2)\n    return out\n";
    let f = only_f(append);
    assert!(reason(&f, ReasonKind::AppendInLoop).hint && !f.is_flagged());
    let regex = "import re\n\ndef f(lines):\n    n = 0\n    for line in lines:\n        if re.match(r'\\d+', line):\n            n += 1\n    return n\n";
    let f = super::function(&super::analyze(regex), "f").clone();
    assert!(reason(&f, ReasonKind::RegexInLoop).hint && !f.is_flagged());
    let both = "def f(xs):\n    out = []\n    for x in xs:\n        if x not in out:\n            out.append(x)\n    return out\n";
    let f = only_f(both);
    assert!(f.is_flagged());
    assert!(!reason(&f, ReasonKind::ListMembershipInLoop).hint);
}
