//! Incremental re-analysis must equal a whole-file analysis after every edit: hundreds of
//! deterministic pseudo-random edits (typing, deleting, inserting and removing statements,
//! garbage) anywhere in a realistic module, each checked against a fresh analysis.

use super::{EditSpan, reanalyze, reanalyze_locally};
use crate::analysis::{Language, analyze_source};
use tree_sitter::{InputEdit, Point, Tree};

const MODULE: &str = r#""""Orders, with a few slow spots."""
import functools
import re as regex
from collections import deque
from .helpers import normalize, ITEMS as SHARED

LIMIT = 10
NAMES = ["a", "b", "c"]
LOOKUP = {"a": 1}
SEEN = []
TITLE = ""


def find_duplicates(values):
    """Values seen twice."""
    out = []
    for v in values:
        if v in NAMES:
            out.append(v)
        for w in values:
            if v == w and v not in out:
                out.append(v)
    return out


@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def slow_fib(n):
    if n < 2:
        return n
    return slow_fib(n - 1) + slow_fib(n - 2)


class Order:
    """An order."""

    KIND = "order"

    def __init__(self, items):
        self.items = items

    @property
    def total(self):
        text = TITLE
        for item in self.items:
            text += str(item)
            if item in SEEN:
                SEEN.remove(item)
        return text

    @staticmethod
    def parse(lines):
        import json
        result = []
        for line in lines:
            result.append(json.loads(line))
            result.sort()
        return result

    class Line:
        def describe(self, queue):
            while queue:
                first = queue.pop(0)
                if regex.match("[a-z]+", first):
                    return normalize(first)

        def cheap(self):
            return self


def outer(data):
    def inner(x):
        return [y for y in data if y in SHARED]

    global SEEN
    SEEN = []
    for d in data:
        for e in inner(d):
            SEEN.append(e)
    return sorted(SEEN)[0]


if LIMIT:
    def conditional(xs):
        for x in xs:
            if x in NAMES:
                return deque(xs)


def last(values):
    s = ""
    for value in values:
        s = s + value
        LOOKUP[value] = len(s)
    return s
"#;

/// Statements inserted at a line start, re-indented to that line's indentation.
const STATEMENTS: &[&str] = &[
    "for item in NAMES:\n    if item in SEEN:\n        total += item\n",
    "SEEN = []\n",
    "SEEN = set()\n",
    "NAMES = 'abc'\n",
    "TITLE = []\n",
    "import os\n",
    "from functools import lru_cache as NAMES\n",
    "global SEEN\n",
    "out = ''\n",
    "out += str(v)\n",
    "return fib(3)\n",
    "'''Docstring.'''\n",
    "@functools.lru_cache(maxsize=None)\n",
    "@staticmethod\n",
    "def extra(a):\n    return [b for b in a if b in NAMES]\n",
    "class Extra:\n    def m(self):\n        for z in self:\n            z.sort()\n",
    "pass\n",
    "x = sorted(NAMES)[0]\n",
    "while queue:\n    queue.insert(0, 1)\n",
    "# a comment\n",
    "\n",
];

/// Text typed or pasted anywhere, often breaking the syntax.
const FRAGMENTS: &[&str] = &["(", ")", ":", "\"\"\"", "'", "def ", "# ", " ", "\n", "x", "    ", "lambda y: y", ":=", " in NAMES", "[]", "@", ","];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One replacement of `start..end` of the current text by `text`.
#[derive(Debug, Clone)]
struct Replace {
    start: usize,
    end: usize,
    text: String,
}

fn point(text: &str, offset: usize) -> Point {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    Point::new(text[..offset].matches('\n').count(), offset - line_start)
}

/// Applies `replace` to `text` and returns the matching tree-sitter edit.
fn apply(text: &mut String, replace: &Replace) -> InputEdit {
    let (start_position, old_end_position) = (point(text, replace.start), point(text, replace.end));
    text.replace_range(replace.start..replace.end, &replace.text);
    let new_end = replace.start + replace.text.len();
    InputEdit {
        start_byte: replace.start,
        old_end_byte: replace.end,
        new_end_byte: new_end,
        start_position,
        old_end_position,
        new_end_position: point(text, new_end),
    }
}

/// The single replacement that turns `from` into `to` (common prefix and suffix kept).
fn diff(from: &str, to: &str) -> Replace {
    let prefix = from.bytes().zip(to.bytes()).take_while(|(a, b)| a == b).count();
    let max_suffix = from.len().min(to.len()) - prefix;
    let suffix = from.bytes().rev().zip(to.bytes().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    let mut start = prefix;
    while !from.is_char_boundary(start) || !to.is_char_boundary(start) {
        start -= 1;
    }
    Replace { start, end: from.len() - suffix, text: to[start..to.len() - suffix].to_string() }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).filter(|&i| i < text.len()).collect()
}

/// Byte ranges of identifiers (ASCII words starting with a letter or `_`).
fn words(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphabetic() || bytes[i] == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

/// A random edit of `text`: mostly what typing does, sometimes larger or broken.
fn random_edit(rng: &mut Rng, text: &str) -> Replace {
    let lines = line_starts(text);
    let words = words(text);
    let line_at = |rng: &mut Rng| lines[rng.below(lines.len())];
    let indentation = |at: usize| text[at..].chars().take_while(|c| *c == ' ').count();
    let line_end = |at: usize| text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    match rng.below(10) {
        // Type a letter in, or delete one from, an identifier.
        0 | 1 => {
            let (start, end) = words[rng.below(words.len())];
            let at = start + rng.below(end - start + 1);
            Replace { start: at, end: at, text: ((b'a' + rng.below(26) as u8) as char).to_string() }
        }
        2 => {
            let (start, end) = words[rng.below(words.len())];
            let at = start + rng.below(end - start);
            Replace { start: at, end: at + 1, text: String::new() }
        }
        // Insert a statement before a line, at that line's indentation (or none).
        3 | 4 => {
            let at = line_at(rng);
            let indent = if rng.below(4) == 0 { 0 } else { indentation(at) };
            let pad = " ".repeat(indent);
            let statement: String = rng.pick(STATEMENTS).lines().map(|l| format!("{pad}{l}\n")).collect();
            Replace { start: at, end: at, text: statement }
        }
        // Delete a whole line, or a few.
        5 => {
            let at = line_at(rng);
            let mut end = line_end(at);
            for _ in 0..rng.below(3) {
                end = line_end(end.min(text.len()));
            }
            Replace { start: at, end, text: String::new() }
        }
        // Replace a random small range by a fragment.
        6 => {
            let mut start = rng.below(text.len() + 1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + rng.below(6)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            Replace { start, end, text: rng.pick(FRAGMENTS).to_string() }
        }
        // Rename a name everywhere one occurrence is (the binding or a use).
        7 => {
            let (start, end) = words[rng.below(words.len())];
            let name = rng.pick(&["NAMES", "SEEN", "LOOKUP", "fib", "helper", "values", "self", "out", "in", "def"]);
            Replace { start, end, text: name.to_string() }
        }
        // At definition boundaries: right before / after `def` or `@`, or at the end of a line.
        8 => {
            let anchors: Vec<usize> = text.match_indices("def ").chain(text.match_indices('@')).map(|(i, _)| i).collect();
            let at = anchors[rng.below(anchors.len())] + rng.below(2) * rng.below(5);
            Replace { start: at, end: at, text: rng.pick(&["x", " ", "\n", "async ", "@cache\n", "_"]).to_string() }
        }
        _ => {
            let at = line_end(line_at(rng)).saturating_sub(1);
            Replace { start: at, end: at, text: rng.pick(&["x", "  # note", ", 1", "()", " in SEEN"]).to_string() }
        }
    }
}

struct Document {
    text: String,
    tree: Tree,
    analysis: crate::analysis::FileAnalysis,
}

impl Document {
    fn new(text: &str) -> Document {
        let tree = Language::Python.parse(text, None).expect("parses");
        let analysis = analyze_source(Language::Python, text);
        Document { text: text.to_string(), tree, analysis }
    }

    /// Applies `replaces` as one change; returns whether the incremental path answered.
    fn change(&mut self, replaces: &[Replace], step: usize) -> bool {
        let before = self.text.clone();
        let mut edits = Vec::new();
        for replace in replaces {
            let edit = apply(&mut self.text, replace);
            self.tree.edit(&edit);
            edits.push(edit);
        }
        let new_tree = Language::Python.parse(&self.text, Some(&self.tree)).expect("reparses");
        let fresh = analyze_source(Language::Python, &self.text);
        let local = reanalyze_locally(Language::Python, &self.analysis, Some(&self.tree), Some(&new_tree), &self.text, &edits);
        let answered = local.is_some();
        if let Some(local) = local {
            assert_eq!(local, fresh, "step {step}: {replaces:?}\nbefore:\n{before}\nafter:\n{}", self.text);
        }
        let result = reanalyze(Language::Python, &self.analysis, Some(&self.tree), Some(&new_tree), &self.text, &edits);
        assert_eq!(result, fresh, "step {step}");
        self.tree = new_tree;
        self.analysis = result;
        answered
    }
}

#[test]
fn hundreds_of_random_edits_reanalyse_exactly_like_a_fresh_analysis() {
    let seed = std::env::var("INCREMENTAL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x9e37_79b9_7f4a_7c15);
    let mut rng = Rng(seed);
    // INCREMENTAL_SOURCE=path/to/file.py runs the same edits on another module (e.g. a large real one).
    let original = std::env::var("INCREMENTAL_SOURCE").map_or(MODULE.to_string(), |p| std::fs::read_to_string(p).unwrap());
    let rounds = std::env::var("INCREMENTAL_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(1500);
    let mut document = Document::new(&original);
    let (mut steps, mut local) = (0, 0);
    for step in 0..rounds {
        let replaces = if step % 50 == 49 {
            // Undo the drift in one edit, now and then.
            vec![diff(&document.text, &original)]
        } else if rng.below(8) == 0 {
            // Two edits in one change, the second in the coordinates the first left.
            let first = random_edit(&mut rng, &document.text);
            let mut after = document.text.clone();
            apply(&mut after, &first);
            vec![first, random_edit(&mut rng, &after)]
        } else {
            vec![random_edit(&mut rng, &document.text)]
        };
        let last_clean = document.text.clone();
        local += usize::from(document.change(&replaces, step));
        steps += 1;
        if document.analysis.has_errors {
            // Go back to the last clean text next time round.
            let undo = diff(&document.text, &last_clean);
            local += usize::from(document.change(&[undo], step));
            steps += 1;
        }
    }
    assert!(steps >= rounds);
    // The point is speed on the common case: a good share must take the incremental path.
    assert!(local * 8 >= steps, "only {local} of {steps} changes were re-analysed incrementally");
}

#[test]
fn typing_inside_a_method_reanalyses_only_that_method_and_shifts_the_rest() {
    let mut document = Document::new(MODULE);
    let at = MODULE.find("text += str(item)").unwrap();
    let replace = Replace { start: at, end: at, text: "if text in NAMES:\n                pass\n            ".into() };
    assert!(document.change(&[replace], 0), "an edit inside a method takes the incremental path");
    let total = document.analysis.functions.iter().find(|f| f.qualified_name == "Order.total").unwrap();
    assert!(total.reasons.iter().any(|r| r.kind == crate::analysis::ReasonKind::ListMembershipInLoop));
}

#[test]
fn edits_to_module_level_code_or_decorators_are_analysed_whole() {
    for (anchor, text) in [("LIMIT = 10", "X = 1\n"), ("@functools", "@staticmethod\n"), ("import functools", "import os\n")] {
        let mut document = Document::new(MODULE);
        let at = MODULE.find(anchor).unwrap();
        assert!(!document.change(&[Replace { start: at, end: at, text: text.into() }], 0), "{anchor}");
    }
}

#[test]
fn a_renamed_function_is_analysed_whole() {
    // `def fib` → `def fibx`: the module-level name `fib` is no longer bound by it.
    let mut document = Document::new(MODULE);
    let at = MODULE.find("def fib").unwrap() + "def fib".len();
    assert!(!document.change(&[Replace { start: at, end: at, text: "x".into() }], 0));
}

#[test]
fn successive_edits_combine_into_one_span() {
    let edit = |start_byte, old_end_byte, new_end_byte| InputEdit {
        start_byte,
        old_end_byte,
        new_end_byte,
        start_position: Point::default(),
        old_end_position: Point::default(),
        new_end_position: Point::default(),
    };
    // Insert 3 bytes at 10, then delete 20..25 (old 17..22).
    let span = EditSpan::of(&[edit(10, 10, 13), edit(20, 25, 20)]).unwrap();
    assert_eq!(span, EditSpan { start: 10, old_end: 22, new_end: 20 });
    // An earlier edit extends the span to the left.
    let span = EditSpan::of(&[edit(10, 12, 15), edit(2, 4, 3)]).unwrap();
    assert_eq!(span, EditSpan { start: 2, old_end: 12, new_end: 14 });
    assert_eq!(EditSpan::of(&[]), None);
}
