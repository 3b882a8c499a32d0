//! Where a finding stands decides whether it earns a lens: an `except` fallback, a short literal list, each item's own
//! data sorted once and a descent over a loop's items stay quiet; a list the loop grows in an attribute, `.index` on a
//! growing list, a re-sorted accumulator and loops nested over the same size fire. Shapes from real packages.

use super::{analyze, function, only_f};
use crate::analysis::ReasonKind;

fn lensed_kinds(source: &str) -> Vec<ReasonKind> {
    only_f(source).reasons.iter().filter(|r| !r.hint).map(|r| r.kind).collect()
}

#[test]
fn findings_that_do_not_grow_with_the_input_stay_quiet() {
    let quiet = [
        // The list is the fallback for unhashable values after the set raised (more-itertools' unique_everseen).
        "def f(xs):\n    seen_set = set()\n    seen_list = []\n    for x in xs:\n        try:\n            if x not in seen_set:\n                seen_set.add(x)\n                yield x\n        except TypeError:\n            if x not in seen_list:\n                seen_list.append(x)\n                yield x\n",
        // Three literal items, extended once before the loop (sqlparse's _get_first_name).
        "def f(tokens, keywords):\n    types = [A, B, C]\n    if keywords:\n        types.append(D)\n    for token in tokens:\n        if token.ttype in types:\n            return token\n",
        // Each item's own list is sorted once.
        "def f(lists):\n    for li in lists:\n        li.sort()\n    return lists\n",
        "def f(groups, key):\n    return {k: sorted(v, key=key) for k, v in groups.items()}\n",
        "def f(modules):\n    for m in modules:\n        names = dir(m)\n        print(sorted(names))\n",
        // Recursion into the items of a loop over parts descends (sqlparse's StripWhitespaceFilter.process).
        "def f(stmt, depth=0):\n    [f(sub, depth + 1) for sub in stmt.get_sublists()]\n    return stmt\n",
        // A search over a traceback on the error path.
        "def f(tests):\n    out = []\n    for t in tests:\n        try:\n            out.append(t())\n        except Exception as e:\n            for frame in e.frames:\n                if frame.name == t.name:\n                    out.append(frame)\n    return out\n",
        // One iterator consumed by both loops, and a walk over each key's values.
        "def f(it):\n    it = iter(it)\n    for x in it:\n        for y in it:\n            if y:\n                break\n",
        "def f(self):\n    for key in self.data:\n        for value in self.data[key]:\n            yield key, value\n",
    ];
    for source in quiet {
        assert_eq!(lensed_kinds(source), Vec::<ReasonKind>::new(), "{source}");
    }
}

#[test]
fn membership_and_positions_on_a_list_the_loop_grows_fire_also_in_attributes_and_globals() {
    let analysis = analyze(
        "SEEN = []\n\ndef track(names):\n    for s in names:\n        if s not in SEEN:\n            SEEN.append(s)\n\n\
         class Registry:\n    def add_all(self, names):\n        for s in names:\n            if s not in self.items:\n                self.items.append(s)\n\n\
         def positions(names):\n    out = []\n    at = []\n    for n in names:\n        at.append(out.index(n) if n in out else -1)\n        out.append(n)\n    return at\n",
    );
    for name in ["track", "Registry.add_all", "positions"] {
        let f = function(&analysis, name);
        assert!(f.reasons.iter().any(|r| r.kind == ReasonKind::ListMembershipInLoop && !r.hint), "{name}: {:?}", f.reasons);
        assert!(f.is_flagged(), "{name}");
    }
    let message = &function(&analysis, "positions").reasons.iter().find(|r| r.message.contains(".index(")).expect("index reason").message;
    assert!(message.contains("position"), "{message}");
}

#[test]
fn re_sorting_the_same_data_and_loops_over_the_same_size_fire() {
    let top_k = "def f(xs, k):\n    best = []\n    for x in xs:\n        best.append(x)\n        best = sorted(best)[-k:]\n    return best\n";
    assert!(lensed_kinds(top_k).contains(&ReasonKind::SortInLoop), "{top_k}");
    let attribute = "def f(self, xs):\n    for x in xs:\n        self.items.append(x)\n        self.items.sort()\n";
    assert!(lensed_kinds(attribute).contains(&ReasonKind::SortInLoop), "{attribute}");
    let naive_transform = "def f(xarr):\n    N = len(xarr)\n    for k in range(N):\n        coeffs = [w(k * n % N) for n in range(N)]\n        yield sum(c * x for c, x in zip(coeffs, xarr))\n";
    let reorder = "def f(symbols):\n    i = 0\n    while i < len(symbols) - 1:\n        cur = symbols[i]\n        for j, other in enumerate(symbols[i + 1:]):\n            if masks(cur, other):\n                del symbols[i + j + 1]\n                symbols.insert(i, other)\n                break\n        else:\n            i += 1\n    return symbols\n";
    for source in [naive_transform, reorder] {
        let f = only_f(source);
        let nest = f.reasons.iter().find(|r| r.kind == ReasonKind::NestedLoops).unwrap_or_else(|| panic!("{source}"));
        assert!(!nest.hint && nest.message.contains("O(n²)"), "{source}\n{nest:?}");
        assert!(f.is_flagged(), "{source}");
    }
    // All substrings, and a DP table over two inputs, are the algorithm.
    let substrings =
        "def f(seq):\n    n = len(seq)\n    for size in range(1, n + 1):\n        for i in range(n - size + 1):\n            yield seq[i:i + size]\n";
    let table = "def f(a, b):\n    for i in range(len(a)):\n        for j in range(len(b)):\n            t[i][j] = a[i] == b[j]\n";
    for source in [substrings, table] {
        assert!(!only_f(source).is_flagged(), "{source}");
    }
}

#[test]
fn an_aggregate_over_the_same_data_inside_a_loop_fires_unless_the_loop_changes_that_data() {
    let recomputed = [
        "def f(samples):\n    levels = []\n    for s in samples:\n        levels.append(100.0 * abs(s) / max(abs(x) for x in samples))\n    return levels\n",
        "def f(positions):\n    return [p / sum(positions) for p in positions]\n",
        "import statistics\n\ndef f(ms, tol):\n    out = []\n    for i, m in enumerate(ms):\n        if abs(m - statistics.mean(ms)) > tol:\n            out.append(i)\n    return out\n",
        "STOP = (\"a\", \"an\", \"the\", \"of\", \"to\")\n\ndef f(texts):\n    return [{w for w in t.split() if w not in STOP} for t in texts]\n",
    ];
    for source in recomputed {
        assert!(only_f(source).is_flagged(), "{source}\n{:?}", only_f(source).reasons);
    }
    // textdistance's MRA: `lengths` is rebuilt later in the same loop, so `min(lengths)` changes every step.
    let changing = "def f(seqs, rounds):\n    lengths = [len(s) for s in seqs]\n    for _ in range(rounds):\n        m = min(lengths)\n        seqs = [s[m:] for s in seqs]\n        lengths = [len(s) for s in seqs]\n    return seqs\n";
    assert!(!only_f(changing).is_flagged(), "{:?}", only_f(changing).reasons);
    // boltons' format_int_list: `min` over a run that the loop appends to and clears (each run is scanned once).
    let runs = "def f(xs):\n    out = []\n    run = []\n    for x in xs:\n        if run and x - run[-1] > 1:\n            out.append((min(run), max(run)))\n            run.clear()\n        run.append(x)\n    return out\n";
    assert!(!only_f(runs).is_flagged(), "{:?}", only_f(runs).reasons);
}

#[test]
fn a_search_joined_with_and_fires_and_a_moving_window_stays_quiet() {
    let intersection = "def f(xs, ys):\n    shared = []\n    for a in xs:\n        for b in ys:\n            if a == b and a not in shared:\n                shared.append(a)\n    return shared\n";
    assert!(lensed_kinds(intersection).contains(&ReasonKind::NestedLoops), "{intersection}");
    // Jaro's match window: both bounds move with `i`, so the inner loop has a bounded width.
    let window = "def f(s1, s2, r):\n    flags = [False] * len(s2)\n    n = 0\n    for i, ch in enumerate(s1):\n        lo = max(0, i - r)\n        hi = min(i + r, len(s2) - 1)\n        for j in range(lo, hi + 1):\n            if not flags[j] and s2[j] == ch:\n                flags[j] = True\n                n += 1\n                break\n    return n\n";
    assert!(!only_f(window).is_flagged(), "{:?}", only_f(window).reasons);
}

#[test]
fn functions_compiled_by_numba_or_cython_keep_their_findings_as_hints() {
    for decorator in ["@numba.njit", "@njit(cache=True)", "@nb.jit(nopython=True)", "@cython.compile"] {
        let source = format!(
            "{decorator}\ndef f(xs, ys):\n    n = 0\n    for x in xs:\n        for y in ys:\n            if y == x:\n                n += 1\n    return n\n"
        );
        let f = only_f(&source);
        assert!(!f.reasons.is_empty() && !f.is_flagged(), "{source}\n{:?}", f.reasons);
    }
    let plain = "def f(xs, ys):\n    n = 0\n    for x in xs:\n        for y in ys:\n            if y == x:\n                n += 1\n    return n\n";
    assert!(only_f(plain).is_flagged(), "the same search without the decorator earns a lens");
}
