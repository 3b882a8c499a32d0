//! Property tests of the Python rewrites: for every rewrite, the original and the rewritten function are run by a
//! real Python on a few hundred random inputs (duplicates, empty inputs, mixed and unhashable elements, values
//! equal across types such as `1 == 1.0 == True`) and must agree: same result, same exception type, same changes
//! to the arguments. The unit tests say which shapes are rewritten; these say the rewrites keep their meaning.

use super::REWRITES;

/// One case: the rewrite, the function, and a Python expression of `r` (a `random.Random`) giving its arguments.
struct Case {
    rewrite: &'static str,
    function: &'static str,
    source: &'static str,
    arguments: &'static str,
}

/// Mixed scalars, some of them equal across types, and (in `MIXED_UNHASHABLE`) lists that cannot be hashed.
const MIXED: &str = "r.choice([r.randrange(12), str(r.randrange(4)), float(r.randrange(3)), True, (r.randrange(2),)])";
const MIXED_UNHASHABLE: &str = "r.choice([r.randrange(12), str(r.randrange(4)), float(r.randrange(3)), True, [r.randrange(2)]])";

const CASES: &[Case] = &[
    Case {
        rewrite: "python-dedup-set",
        function: "dedup",
        source: "def dedup(xs):\n    out = []\n    for x in xs:\n        if x not in out:\n            out.append(x)\n    return out\n",
        arguments: "([MIXED_UNHASHABLE for _ in range(r.randrange(0, 60))],)",
    },
    Case {
        rewrite: "python-dedup-set",
        function: "first_by_name",
        source: "def first_by_name(rows):\n    names = []\n    kept = []\n    for row in rows:\n        key = row[0].lower()\n        if key not in names:\n            names.append(key)\n            kept.append(row)\n    return kept\n",
        arguments: "([(r.choice('aAbBc') * r.randrange(1, 3), r.randrange(5)) for _ in range(r.randrange(0, 40))],)",
    },
    Case {
        rewrite: "python-membership-set",
        function: "common",
        source: "def common(a, b):\n    out = []\n    for x in a:\n        if x in b:\n            out.append(x)\n    return out\n",
        arguments: "([MIXED for _ in range(r.randrange(0, 40))], [MIXED for _ in range(r.randrange(0, 30))])",
    },
    Case {
        rewrite: "python-constant-frozenset",
        function: "keep",
        source: "BLOCKED = [\"a\", \"b\", 3, 4.0]\n\n\ndef keep(xs):\n    return [x for x in xs if x not in BLOCKED]\n",
        arguments: "([r.choice(['a', 'c', 3, 4, 5.0, True, ('a',), ['a']]) for _ in range(r.randrange(0, 40))],)",
    },
    Case {
        rewrite: "python-count-index",
        function: "counts",
        source: "def counts(xs):\n    out = []\n    for x in xs:\n        out.append((x, xs.count(x)))\n    return out\n",
        arguments: "([MIXED for _ in range(r.randrange(0, 40))],)",
    },
    Case {
        rewrite: "python-top-k-heap",
        function: "top3",
        source: "def top3(xs):\n    best = []\n    for x in xs:\n        best.append(x)\n        best = sorted(best, reverse=True)[:3]\n    return best\n",
        arguments: "([r.randrange(-5, 20) for _ in range(r.randrange(0, 50))],)",
    },
    Case {
        rewrite: "python-insort",
        function: "running_median",
        source: "def running_median(xs):\n    seen = []\n    out = []\n    for x in xs:\n        seen.append(x)\n        seen.sort()\n        out.append(seen[len(seen) // 2])\n    return out\n",
        arguments: "([r.choice([r.randrange(30), r.random()]) for _ in range(r.randrange(0, 50))],)",
    },
    Case {
        rewrite: "python-sort-once",
        function: "collect",
        source: "def collect(xs):\n    out = []\n    for x in xs:\n        out.append(x * 2)\n        out.sort()\n    return out\n",
        arguments: "([r.randrange(-9, 9) for _ in range(r.randrange(0, 40))],)",
    },
    Case {
        rewrite: "python-pop-front-deque",
        function: "order",
        source: "def order(start, limit):\n    queue = [start]\n    seen = []\n    while queue:\n        node = queue.pop(0)\n        seen.append(node)\n        if node < limit:\n            queue.append(node * 2)\n            queue.append(node * 2 + 1)\n    return seen\n",
        arguments: "(r.randrange(1, 4), r.randrange(0, 200))",
    },
    Case {
        rewrite: "python-hoist-invariant",
        function: "above_peak_share",
        source: "def above_peak_share(xs, ys):\n    out = []\n    for x in xs:\n        if x > max(ys) / 2:\n            out.append(x)\n    return out\n",
        arguments: "([r.randrange(50) for _ in range(r.randrange(0, 30))], [r.randrange(50) for _ in range(r.randrange(0, 5))])",
    },
    Case {
        rewrite: "python-hash-join",
        function: "pairs",
        source: "def pairs(orders, customers):\n    out = []\n    for o in orders:\n        for c in customers:\n            if o[0] == c[0]:\n                out.append((o[1], c[1]))\n    return out\n",
        arguments: "([(r.randrange(6), i) for i in range(r.randrange(0, 20))], [(r.choice([r.randrange(6), float(r.randrange(3))]), j) for j in range(r.randrange(0, 10))])",
    },
    Case {
        rewrite: "python-string-join",
        function: "render",
        source: "def render(xs):\n    s = \"\"\n    for x in xs:\n        s += str(x) + \",\"\n    return s\n",
        arguments: "([MIXED for _ in range(r.randrange(0, 30))],)",
    },
    Case {
        rewrite: "python-sorted-min-max",
        function: "spread",
        source: "def spread(xs):\n    return sorted(xs)[-1] - sorted(xs)[0]\n",
        arguments: "([r.randrange(-20, 20) for _ in range(r.randrange(0, 10))],)",
    },
    Case {
        rewrite: "python-append-comprehension",
        function: "squares",
        source: "def squares(xs):\n    out = []\n    for x in xs:\n        if x % 3:\n            out.append(x * x)\n    return out\n",
        arguments: "([r.randrange(-9, 9) for _ in range(r.randrange(0, 30))],)",
    },
    Case {
        rewrite: "python-memoize-recursion",
        function: "paths",
        source: "def paths(rows, cols):\n    if rows == 0 or cols == 0:\n        return 1\n    return paths(rows - 1, cols) + paths(rows, cols - 1)\n",
        arguments: "(r.randrange(0, 8), r.randrange(0, 8))",
    },
    Case {
        rewrite: "python-hoist-regex",
        function: "numbers",
        source: "import re\n\n\ndef numbers(lines):\n    out = []\n    for line in lines:\n        if re.match(r\"\\d+\", line):\n            out.append(line)\n    return out\n",
        arguments: "([r.choice(['12', 'a1', '', '3x', ' 4']) for _ in range(r.randrange(0, 20))],)",
    },
];

/// Runs both versions of every case and prints one line per disagreement.
const CHECK: &str = r#"
import copy, json, random, sys, types

def outcome(function, args):
    try:
        result = function(*args)
        if isinstance(result, types.GeneratorType):
            result = list(result)
        return ("ok", repr(result), repr(args))
    except Exception as error:
        return ("raised", type(error).__name__, repr(args))

cases = json.load(sys.stdin)
for case in cases:
    spaces = []
    for source in (case["original"], case["rewritten"]):
        namespace = {"__name__": "case"}
        exec(compile(source, "<" + case["rewrite"] + ">", "exec"), namespace)
        spaces.append(namespace[case["function"]])
    make = eval("lambda r: " + case["arguments"])
    for seed in range(300):
        args = make(random.Random(seed))
        before, after = outcome(spaces[0], copy.deepcopy(args)), outcome(spaces[1], copy.deepcopy(args))
        if before != after:
            print("DISAGREE %s %s seed %d: %r vs %r" % (case["rewrite"], case["function"], seed, before, after))
            break
print("checked %d cases" % len(cases))
"#;

#[test]
fn every_python_rewrite_keeps_the_meaning_of_the_function_on_random_inputs() {
    let mut payload = Vec::new();
    for case in CASES {
        let rewrite = REWRITES.iter().find(|r| r.id == case.rewrite).unwrap_or_else(|| panic!("no rewrite {}", case.rewrite));
        let rewritten = (rewrite.apply)(case.source, Some(case.function)).unwrap_or_else(|| panic!("{} does not apply to:\n{}", case.rewrite, case.source));
        let arguments = case.arguments.replace("MIXED_UNHASHABLE", MIXED_UNHASHABLE).replace("MIXED", MIXED);
        payload.push(
            serde_json::json!({"rewrite": case.rewrite, "function": case.function, "original": case.source, "rewritten": rewritten, "arguments": arguments}),
        );
    }
    let covered: std::collections::BTreeSet<&str> = CASES.iter().map(|c| c.rewrite).collect();
    let missing: Vec<&str> = REWRITES.iter().map(|r| r.id).filter(|id| !covered.contains(id)).collect();
    assert!(missing.is_empty(), "every Python rewrite has a property case: {missing:?}");

    let mut child = std::process::Command::new("python3")
        .arg("-c")
        .arg(CHECK)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(serde_json::Value::Array(payload).to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && stdout.contains(&format!("checked {} cases", CASES.len())), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    let disagreements: Vec<&str> = stdout.lines().filter(|l| l.starts_with("DISAGREE")).collect();
    assert!(disagreements.is_empty(), "rewrites that change what the function does:\n{}", disagreements.join("\n"));
}
