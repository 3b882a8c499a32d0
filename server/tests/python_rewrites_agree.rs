//! Property tests of the offline engine's Python rewrites: each rewrite is applied to a slow function, and the
//! original and the rewritten module are run side by side by a real `python3` on a few hundred random inputs
//! (fixed seeds); results, exceptions (by type) and any mutation of the arguments must agree.

use std::path::Path;

use weco_lsp::analysis::Language;
use weco_lsp::engine::local::rewrites::catalogue;

struct Case {
    rewrite: &'static str,
    function: &'static str,
    source: &'static str,
    /// Python expression over `rng` (a `random.Random`) giving the positional arguments as a tuple.
    arguments: &'static str,
}

const CASES: &[Case] = &[
    Case {
        rewrite: "python-dedup-set",
        function: "unique",
        source: "def unique(xs: list[int]):\n    out = []\n    for x in xs:\n        if x not in out:\n            out.append(x)\n    return out\n",
        arguments: "([rng.randrange(20) for _ in range(rng.randrange(30))],)",
    },
    Case {
        rewrite: "python-dedup-set",
        function: "tags",
        source: "def tags(items):\n    seen = []\n    total = 0\n    for item in items:\n        total += 1\n        if item in seen:\n            continue\n        seen.append(item)\n    return seen, total\n",
        arguments: "([rng.choice([1, 1.0, True, 'a', (1, 2), [1], [1], None, float('nan')]) for _ in range(rng.randrange(12))],)",
    },
    Case {
        rewrite: "python-dedup-set",
        function: "Names.normalised",
        source: "class Names:\n    def normalised(self, names):\n        keys = []\n        out = []\n        for name in names:\n            key = name.strip().lower()\n            if key not in keys:\n                keys.append(key)\n                out.append(name)\n        return out\n",
        arguments: "(Names(), [rng.choice(['Ann', 'ann ', 'Bob', ' BOB', 'cy']) for _ in range(rng.randrange(10))])",
    },
    Case {
        rewrite: "python-hash-join",
        function: "pair",
        source: "def pair(orders, customers: list):\n    out = []\n    for o in orders:\n        for c in customers:\n            if o['cid'] == c['id']:\n                out.append((o['n'], c['name']))\n                break\n    return out\n",
        arguments: "([{'cid': rng.choice([1, 2, 3, 1.0, 'x', [1]]), 'n': i} for i in range(rng.randrange(8))], [{'id': rng.choice([1, 2, 3, 'x', (1,)]), 'name': j} for j in range(rng.randrange(6))] + ([{'name': 'no id'}] if rng.random() < 0.2 else []))",
    },
    Case {
        rewrite: "python-hash-join",
        function: "matches",
        source: "class P:\n    def __init__(self, key, v):\n        self.key, self.v = key, v\n\n\ndef matches(xs, ys):\n    total = 0\n    for a in xs:\n        for b in ys:\n            if a.key == b.key:\n                total += a.v * b.v\n    return total, len(ys)\n",
        arguments: "([P(rng.randrange(5), rng.randrange(9)) for _ in range(rng.randrange(9))], [P(rng.randrange(5), rng.randrange(9)) for _ in range(rng.randrange(9))])",
    },
    Case {
        rewrite: "python-hoist-invariant",
        function: "above_half",
        source: "def above_half(xs):\n    n = len(xs)\n    return [x for x in xs if x > max(xs) / 2 and x < sum(xs) / n]\n",
        arguments: "([rng.randrange(-5, 50) for _ in range(rng.randrange(8))],)",
    },
    Case {
        rewrite: "python-hoist-invariant",
        function: "scaled",
        source: "import statistics\n\n\ndef scaled(values: list, n):\n    out = []\n    for i in range(n):\n        if i % 3 == 0:\n            out.append(i * statistics.mean(values) + len(values) + (i in sorted(values)))\n    return out, ','.join(map(str, sorted(values)))\n",
        arguments: "([rng.randrange(10) for _ in range(rng.randrange(4))] if rng.random() < 0.8 else ['a'], rng.randrange(7))",
    },
    Case {
        rewrite: "python-hoist-invariant",
        function: "relative",
        source: "def relative(samples, n):\n    return [round(i / max(abs(x) for x in samples), 3) for i in range(n)]\n",
        arguments: "(rng.choice([[rng.randrange(-4, 5) for _ in range(rng.randrange(4))], iter([rng.randrange(1, 5) for _ in range(3)]), (1, -2)]), rng.randrange(4))",
    },
    Case {
        rewrite: "python-hoist-invariant",
        function: "Cohort.ranks",
        source: "import bisect\n\n\nclass Cohort:\n    def __init__(self, ref):\n        self.ref = ref\n\n    def ranks(self, scores):\n        return [bisect.bisect_left(sorted(self.ref), s) / len(self.ref) for s in scores], '; '.join(sorted(str(r) for r in self.ref))\n",
        arguments: "(Cohort(rng.choice([[rng.randrange(9) for _ in range(rng.randrange(5))], (3, 1, 2), []])), [rng.randrange(9) for _ in range(rng.randrange(5))])",
    },
    Case {
        rewrite: "python-hash-join",
        function: "Matcher.tracking",
        source: "class Matcher:\n    def __init__(self, orders):\n        self.orders = orders\n\n    def tracking(self, notices):\n        out = {}\n        missing = 0\n        for n in notices:\n            found = None\n            for o in self.orders:\n                if o['no'] == n['no']:\n                    found = o\n                    break\n            if found is None:\n                missing += 1\n                continue\n            out[found['id']] = n['t']\n        return out, missing\n",
        arguments: "(Matcher(rng.choice([[{'no': rng.randrange(6), 'id': i} for i in range(rng.randrange(8))], iter([{'no': 1, 'id': 0}, {'no': 1, 'id': 1}]), [{'no': [1], 'id': 9}]])), [{'no': rng.choice([0, 1, 2, 5, 1.0]), 't': j} for j in range(rng.randrange(6))])",
    },
    Case {
        rewrite: "python-count-index",
        function: "Inventory.dupes",
        source: "class Inventory:\n    def __init__(self, bins):\n        self.bins = bins\n\n    def dupes(self):\n        found = [b for b in self.bins if self.bins.count(b) > 1]\n        return found, len(found)\n",
        arguments: "(Inventory(rng.choice([[rng.choice('abcd') for _ in range(rng.randrange(8))], 'abcab', tuple('aab'), [1, 1.0, True, 'x']])),)",
    },
    Case {
        rewrite: "python-constant-frozenset",
        function: "keep",
        source: "DISCONTINUED = ['a1', 'b2', 'c3', 7, (1, 2)]\n\n\ndef keep(skus):\n    return [s for s in skus if s not in DISCONTINUED]\n",
        arguments: "([rng.choice(['a1', 'b2', 'zz', 7, 7.0, (1, 2), 'c3']) for _ in range(rng.randrange(10))],)",
    },
    Case {
        rewrite: "python-count-index",
        function: "tally",
        source: "def tally(words, vocabulary):\n    out = {}\n    for w in vocabulary:\n        out[w] = words.count(w)\n    return out\n",
        arguments: "(rng.choice([[rng.choice('abc') for _ in range(rng.randrange(9))], 'abcab' * rng.randrange(3), tuple('aab')]), list('abz'))",
    },
    Case {
        rewrite: "python-count-index",
        function: "first_positions",
        source: "def first_positions(xs, wanted):\n    found = []\n    for w in wanted:\n        if w in xs:\n            found.append(xs.index(w))\n    return found\n",
        arguments: "([rng.randrange(6) for _ in range(rng.randrange(10))], [rng.randrange(8) for _ in range(4)])",
    },
    Case {
        rewrite: "python-top-k-heap",
        function: "top",
        source: "def top(scores, k):\n    best = []\n    for s in scores:\n        if s[1] > 0:\n            best.append(s)\n            best = sorted(best, key=lambda p: p[1], reverse=True)[:k]\n    return best\n",
        arguments: "([(i, rng.randrange(-2, 5)) for i in range(rng.randrange(12))], rng.choice([0, 1, 3, 5, -1, -3]))",
    },
    Case {
        rewrite: "python-top-k-heap",
        function: "cheapest",
        source: "def cheapest(prices):\n    low = []\n    for p in prices:\n        low.append(p)\n        low.sort()\n        del low[3:]\n    return low\n",
        arguments: "([rng.randrange(10) for _ in range(rng.randrange(12))],)",
    },
    Case {
        rewrite: "python-insort",
        function: "running_medians",
        source: "def running_medians(xs):\n    seen = []\n    out = []\n    for x in xs:\n        seen.append(x)\n        seen.sort(key=lambda v: v[0])\n        out.append(seen[len(seen) // 2])\n    return out\n",
        arguments: "([(rng.randrange(5), i) for i in range(rng.randrange(10))],)",
    },
    Case {
        rewrite: "python-sort-once",
        function: "collect",
        source: "def collect(groups):\n    names = []\n    for g in groups:\n        for n in g:\n            names.append(n)\n        names.sort(key=len)\n    return names\n",
        arguments: "([[rng.choice(['aa', 'b', 'ccc', 'd']) for _ in range(rng.randrange(4))] for _ in range(rng.randrange(5))],)",
    },
    Case {
        rewrite: "python-memoize-recursion",
        function: "paths",
        source: "def paths(r, c, blocked=None):\n    \"\"\"Lattice paths.\n\n    Avoiding one cell.\"\"\"\n    if r < 0 or c < 0 or (blocked is not None and (r, c) == blocked):\n        return 0\n    if r == 0 and c == 0:\n        return 1\n    return paths(r - 1, c, blocked) + paths(r, c - 1, blocked)\n",
        arguments: "(rng.randrange(-1, 9), rng.randrange(-1, 9), rng.choice([None, (1, 1), (0, 2)]))",
    },
    Case {
        rewrite: "python-pop-front-deque",
        function: "flatten",
        source: "def flatten(ll):\n    ret = []\n    to_visit = [*ll]\n    while to_visit:\n        i = to_visit.pop(0)\n        if isinstance(i, (list, tuple, str)) and not isinstance(i, str):\n            to_visit[:0] = i\n        else:\n            ret.append(i)\n    return ret\n",
        arguments: "([rng.choice([1, 'ab', (2, [3, 'c']), [], [[4], 5], ()]) for _ in range(rng.randrange(8))],)",
    },
    Case {
        rewrite: "python-dedup-set",
        function: "dedup",
        source: "def dedup(xs):\n    out = []\n    for x in xs:\n        if x not in out:\n            out.append(x)\n    return out\n",
        arguments: "([rng.choice([rng.randrange(12), str(rng.randrange(4)), float(rng.randrange(3)), True, [rng.randrange(2)]]) for _ in range(rng.randrange(0, 60))],)",
    },
    Case {
        rewrite: "python-dedup-set",
        function: "first_by_name",
        source: "def first_by_name(rows):\n    names = []\n    kept = []\n    for row in rows:\n        key = row[0].lower()\n        if key not in names:\n            names.append(key)\n            kept.append(row)\n    return kept\n",
        arguments: "([(rng.choice('aAbBc') * rng.randrange(1, 3), rng.randrange(5)) for _ in range(rng.randrange(0, 40))],)",
    },
    Case {
        rewrite: "python-membership-set",
        function: "common",
        source: "def common(a, b):\n    out = []\n    for x in a:\n        if x in b:\n            out.append(x)\n    return out\n",
        arguments: "([rng.choice([rng.randrange(12), str(rng.randrange(4)), float(rng.randrange(3)), True, (rng.randrange(2),)]) for _ in range(rng.randrange(0, 40))], [rng.choice([rng.randrange(12), str(rng.randrange(4)), float(rng.randrange(3)), True, (rng.randrange(2),)]) for _ in range(rng.randrange(0, 30))])",
    },
    Case {
        rewrite: "python-constant-frozenset",
        function: "keep_probed",
        source: "BLOCKED = [\"a\", \"b\", b\"a\", 3, 4.0]\n\n\ndef keep_probed(xs):\n    return [x for x in xs if x not in BLOCKED]\n",
        arguments: "([rng.choice(['a', 'c', 3, 4, 5.0, True, ('a',), ['a'], bytearray(b'a')]) for _ in range(rng.randrange(0, 40))],)",
    },
    Case {
        rewrite: "python-count-index",
        function: "counts",
        source: "def counts(xs):\n    out = []\n    for x in xs:\n        out.append((x, xs.count(x)))\n    return out\n",
        arguments: "([rng.choice([rng.randrange(12), str(rng.randrange(4)), float(rng.randrange(3)), True, (rng.randrange(2),)]) for _ in range(rng.randrange(0, 40))],)",
    },
    Case {
        rewrite: "python-string-join",
        function: "render",
        source: "def render(xs):\n    s = \"\"\n    for x in xs:\n        s += str(x) + \",\"\n    return s\n",
        arguments: "([rng.choice([rng.randrange(12), str(rng.randrange(4)), float(rng.randrange(3)), True, (rng.randrange(2),)]) for _ in range(rng.randrange(0, 30))],)",
    },
    Case {
        rewrite: "python-sorted-min-max",
        function: "spread",
        source: "def spread(xs):\n    return sorted(xs)[-1] - sorted(xs)[0]\n",
        arguments: "([rng.randrange(-20, 20) for _ in range(rng.randrange(0, 10))],)",
    },
    Case {
        rewrite: "python-append-comprehension",
        function: "squares",
        source: "def squares(xs):\n    out = []\n    for x in xs:\n        if x % 3:\n            out.append(x * x)\n    return out\n",
        arguments: "([rng.randrange(-9, 9) for _ in range(rng.randrange(0, 30))],)",
    },
    Case {
        rewrite: "python-hoist-regex",
        function: "numbers",
        source: "import re\n\n\ndef numbers(lines):\n    out = []\n    for line in lines:\n        if re.match(r\"\\d+\", line):\n            out.append(line)\n    return out\n",
        arguments: "([rng.choice(['12', 'a1', '', '3x', ' 4']) for _ in range(rng.randrange(0, 20))],)",
    },
];

const DRIVER: &str = r#"
import collections.abc, copy, importlib.util, random, sys

def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

original, rewritten = load("original", sys.argv[1]), load("rewritten", sys.argv[2])
function, arguments = sys.argv[3], sys.argv[4]

def resolve(module, args):
    head, _, tail = function.partition(".")
    return (getattr(args[0], tail), args[1:]) if tail else (getattr(module, head), args)

def shape(value, depth=0):
    if depth > 20:
        return "..."
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [shape(v, depth + 1) for v in value])
    if isinstance(value, collections.abc.Iterator):  # what is left of it (consumed here, after the call)
        return ("iterator", [shape(v, depth + 1) for v in value])
    if isinstance(value, dict):
        return ("dict", [(shape(k, depth + 1), shape(v, depth + 1)) for k, v in value.items()])
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return (type(value).__name__, shape(vars(value), depth + 1))
    return repr(value)

def outcome(module, seed):
    rng = random.Random(seed)
    globals().update({k: v for k, v in vars(module).items() if not k.startswith("__")})
    args = eval(arguments, dict(globals(), rng=rng))
    target, rest = resolve(module, args)
    kept = copy.deepcopy(rest)
    try:
        result = ("ok", shape(target(*rest)))
    except Exception as error:
        result = ("raised", type(error).__name__)
    after = shape(rest)
    return result, after == shape(kept) or after

for seed in range(300):
    a, b = outcome(original, seed), outcome(rewritten, seed)
    if a != b:
        print(f"seed {seed}: original {a} != rewritten {b}")
        sys.exit(1)
print("agree")
"#;

fn run_case(case: &Case, dir: &Path) {
    let rewrite = catalogue(Language::Python).into_iter().find(|r| r.id == case.rewrite).unwrap_or_else(|| panic!("no rewrite {}", case.rewrite));
    let rewritten = (rewrite.apply)(case.source, Some(case.function)).unwrap_or_else(|| panic!("{} does not apply to:\n{}", case.rewrite, case.source));
    let original_path = dir.join(format!("original_{}.py", case.function.replace('.', "_")));
    let rewritten_path = dir.join(format!("rewritten_{}.py", case.function.replace('.', "_")));
    std::fs::write(&original_path, case.source).unwrap();
    std::fs::write(&rewritten_path, &rewritten).unwrap();
    println!("--- {} on {} ---\n{rewritten}", case.rewrite, case.function);
    let output = std::process::Command::new("python3")
        .arg("-c")
        .arg(DRIVER)
        .arg(&original_path)
        .arg(&rewritten_path)
        .arg(case.function)
        .arg(case.arguments)
        .output()
        .expect("python3 must be installed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && stdout.contains("agree"), "{} on {}:\n{stdout}{stderr}\n--- rewritten ---\n{rewritten}", case.rewrite, case.function);
}

#[test]
fn python_rewrites_agree_with_the_original_on_random_inputs() {
    let dir = tempfile::tempdir().unwrap();
    for case in CASES {
        run_case(case, dir.path());
    }
    let covered: Vec<&str> = CASES.iter().map(|c| c.rewrite).collect();
    for rewrite in catalogue(Language::Python) {
        assert!(covered.contains(&rewrite.id), "{} has no property case", rewrite.id);
    }
}
