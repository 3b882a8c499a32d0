//! Optimizability patterns in Python function bodies, checked node by node during the scope walk.
//!
//! Each check looks only at a node and its direct children (never a whole subtree), so the
//! checks add constant work per node to the single walk in `scope`.

use super::frame::{FrameKind, ValueKind};
use super::grammar::Tag;
use super::placement;
use super::scope::Walker;
use crate::analysis::{ByteRange, ReasonKind};
use tree_sitter::Node;

/// `re` module functions that take a pattern.
const REGEX_FUNCTIONS: &[&str] = &["compile", "match", "search", "findall", "finditer", "sub", "subn", "fullmatch", "split"];

/// Builtins that pass over all of their argument.
const AGGREGATES: &[&str] = &["sum", "max", "min"];
/// `statistics` functions that pass over all of their argument.
const STATISTICS: &[&str] = &["mean", "fmean", "median", "stdev", "pstdev", "variance", "pvariance", "mode"];

/// A list literal this short is cheap to scan; flagging `x in ["a", "b"]` would be noise.
const MIN_FLAGGED_LIST_LITERAL: usize = 4;

struct Finding {
    kind: ReasonKind,
    message: String,
    range: ByteRange,
    /// Only a hint where it stands (see `placement`).
    hint: bool,
}

/// Loop depth of the current function, or `None` outside functions (nothing is reported there).
pub(super) fn function_depth(w: &Walker) -> Option<usize> {
    w.frames.last().filter(|f| f.kind == FrameKind::Function).map(|f| f.loop_depth())
}

/// Records the findings of `node`; on an `except` path they are hints.
fn report(w: &mut Walker, node: Node, findings: Vec<Finding>) {
    if findings.is_empty() {
        return;
    }
    let cold = placement::in_except_clause(node);
    if let Some(frame) = w.function_frame() {
        for finding in findings {
            frame.add_reason(finding.kind, finding.message, finding.range, cold || finding.hint);
        }
    }
}

/// Source text shortened for a message: whitespace collapsed, long text cut with an ellipsis.
fn snippet(w: &Walker, node: Node) -> String {
    const MAX_CHARS: usize = 40;
    let collapsed = w.text(node).split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= MAX_CHARS {
        collapsed
    } else {
        let cut: String = collapsed.chars().take(MAX_CHARS - 1).collect();
        format!("{cut}…")
    }
}

fn arguments<'t>(w: &Walker, call: Node<'t>) -> Vec<Node<'t>> {
    let Some(list) = w.grammar.child(call, w.grammar.fields.arguments) else { return Vec::new() };
    if w.tag(list) != Tag::ArgumentList {
        // `f(x for x in y)`: a bare generator is the single argument.
        return vec![list];
    }
    let mut cursor = list.walk();
    list.named_children(&mut cursor).filter(|c| w.tag(*c) != Tag::Comment).collect()
}

fn is_zero(w: &Walker, node: Node) -> bool {
    w.tag(node) == Tag::Integer && w.text(node) == "0"
}

fn identifier_text<'s>(w: &Walker<'s, '_>, node: Option<Node>) -> Option<&'s str> {
    node.filter(|n| w.tag(*n) == Tag::Identifier).map(|n| w.text(n))
}

/// A plain name whose value cannot change between loop iterations: a parameter or a name bound
/// outside every loop (and not rebound inside one so far).
fn is_loop_invariant(w: &Walker, node: Node) -> bool {
    identifier_text(w, Some(node)).is_some_and(|name| is_invariant_name(w, name))
}

/// A name (or attribute) that looks like a memo table: called `memo`/`cache`, or known to be a dict.
fn is_memo_like(w: &Walker, node: Node) -> bool {
    let name = match w.tag(node) {
        Tag::Identifier => w.text(node),
        Tag::Attribute => w.grammar.child(node, w.grammar.fields.attribute).map_or("", |a| w.text(a)),
        _ => return false,
    };
    let lower = name.to_ascii_lowercase();
    lower.contains("memo") || lower.contains("cache") || (w.tag(node) == Tag::Identifier && w.value_of(name).is_some_and(|v| v.kind == ValueKind::Dict))
}

fn mark_memo(w: &mut Walker) {
    if let Some(frame) = w.function_frame() {
        frame.memo_seen = true;
    }
}

/// What an expression evaluates to, judged from its outermost node only.
pub(super) fn value_kind(w: &Walker, node: Node) -> ValueKind {
    let fields = &w.grammar.fields;
    match w.tag(node) {
        Tag::List if (1..MIN_FLAGGED_LIST_LITERAL).contains(&node.named_child_count()) => ValueKind::ShortList,
        Tag::List | Tag::ListComprehension => ValueKind::List,
        Tag::Tuple if node.named_child_count() >= MIN_FLAGGED_LIST_LITERAL => ValueKind::Tuple,
        Tag::Dictionary | Tag::DictionaryComprehension => ValueKind::Dict,
        Tag::Set | Tag::SetComprehension => ValueKind::Set,
        Tag::String | Tag::ConcatenatedString => ValueKind::Str,
        Tag::BinaryOperator => {
            let left = w.grammar.child(node, fields.left);
            let operator = w.grammar.child(node, fields.operator).map_or("", |o| w.text(o));
            match left {
                Some(left) if matches!(operator, "*" | "+") && w.tag(left) == Tag::List => ValueKind::List,
                _ => ValueKind::Other,
            }
        }
        Tag::Call => {
            let Some(function) = w.grammar.child(node, fields.function) else { return ValueKind::Other };
            let callee = match w.tag(function) {
                Tag::Identifier => w.text(function),
                Tag::Attribute => w.grammar.child(function, fields.attribute).map_or("", |a| w.text(a)),
                _ => "",
            };
            match callee {
                "list" | "sorted" | "split" => ValueKind::List,
                "dict" | "defaultdict" | "OrderedDict" | "Counter" => ValueKind::Dict,
                "set" | "frozenset" => ValueKind::Set,
                "str" => ValueKind::Str,
                _ => ValueKind::Other,
            }
        }
        _ => ValueKind::Other,
    }
}

/// `name + ...` (any number of `+` terms, `name` leftmost): the expression extends `name`.
pub(super) fn accumulates_into(w: &Walker, expression: Node, name: &str) -> bool {
    let fields = &w.grammar.fields;
    let mut current = expression;
    while w.tag(current) == Tag::BinaryOperator {
        let operator = w.grammar.child(current, fields.operator).map_or("", |o| w.text(o));
        if operator != "+" {
            return false;
        }
        let Some(left) = w.grammar.child(current, fields.left) else { return false };
        current = left;
    }
    current != expression && w.tag(current) == Tag::Identifier && w.text(current) == name
}

pub(super) fn call(w: &mut Walker, node: Node) {
    let Some(depth) = function_depth(w) else { return };
    let fields = &w.grammar.fields;
    let Some(function) = w.grammar.child(node, fields.function) else { return };
    let (frame_name, is_method) = w.frames.last().map_or(("", false), |f| (f.name, f.is_method));
    // Only calls inside loops look at their arguments; most calls are not in loops.
    let args = if depth >= 1 { arguments(w, node) } else { Vec::new() };
    let range = node.byte_range();
    let mut findings = Vec::new();
    let mut recursive = false;
    let mut memo = false;
    match w.tag(function) {
        Tag::Identifier => {
            let name = w.text(function);
            recursive = !is_method && name == frame_name;
            if depth >= 1 && name == "sorted" {
                // Sorting each item's own data once is not a repeated sort.
                let resorts = args.first().is_some_and(|data| placement::same_data_each_iteration(w, *data));
                findings.push(Finding {
                    kind: ReasonKind::SortInLoop,
                    message: format!(
                        "`{}` sorts on every iteration of the loop (O(n log n) each time); sort once before the loop, \
                         or keep the data ordered with `bisect`/`heapq`",
                        snippet(w, node)
                    ),
                    range: range.clone(),
                    hint: !resorts,
                });
            }
            if depth >= 1 && AGGREGATES.contains(&name) && args.len() == 1 && invariant_data(w, args[0]) {
                findings.push(recomputed_finding(w, node));
            }
            if depth >= 2 && matches!(name, "list" | "dict" | "set" | "deepcopy") && args.len() == 1 && is_loop_invariant(w, args[0]) {
                findings.push(allocation_finding(w, node, args[0]));
            }
        }
        Tag::Attribute => {
            let object = w.grammar.child(function, fields.object);
            let attribute = w.grammar.child(function, fields.attribute).map_or("", |a| w.text(a));
            let object_name = identifier_text(w, object);
            recursive = is_method && matches!(object_name, Some("self" | "cls")) && attribute == frame_name;
            memo = matches!(attribute, "get" | "setdefault") && object.is_some_and(|o| is_memo_like(w, o));
            let object_is_dict = object_name.is_some_and(|n| w.value_of(n).is_some_and(|v| v.kind == ValueKind::Dict));
            if depth >= 1 {
                if attribute == "sort" {
                    let resorts = object.is_some_and(|data| placement::same_data_each_iteration(w, data));
                    findings.push(Finding {
                        kind: ReasonKind::SortInLoop,
                        message: format!(
                            "`{}` sorts on every iteration of the loop (O(n log n) each time); sort once after the \
                             loop, or keep the data ordered with `bisect.insort`/`heapq`",
                            snippet(w, node)
                        ),
                        range: range.clone(),
                        hint: !resorts,
                    });
                }
                if matches!(attribute, "index" | "count")
                    && args.len() == 1
                    && let Some(what) = object.and_then(|o| list_operand(w, o))
                {
                    findings.push(Finding {
                        kind: ReasonKind::ListMembershipInLoop,
                        message: format!(
                            "`{}` scans {what} on every iteration of the loop (O(n) each time); a dict from item to \
                             position (or a `Counter`), kept in step, answers in O(1)",
                            snippet(w, node)
                        ),
                        range: range.clone(),
                        hint: false,
                    });
                }
                let front_pop = attribute == "pop" && args.len() == 1 && is_zero(w, args[0]);
                let front_insert = attribute == "insert" && args.len() == 2 && is_zero(w, args[0]);
                if (front_pop || front_insert) && !object_is_dict {
                    let target = object.map_or_else(String::new, |o| snippet(w, o));
                    let message = if front_pop {
                        format!(
                            "`{target}.pop(0)` shifts every remaining element (O(n)) on each iteration of the loop; \
                             `collections.deque.popleft()` is O(1)"
                        )
                    } else {
                        format!(
                            "`{target}.insert(0, ...)` shifts every element (O(n)) on each iteration of the loop; \
                             `collections.deque.appendleft()` is O(1), or append and reverse once"
                        )
                    };
                    findings.push(Finding { kind: ReasonKind::FrontOfListOpInLoop, message, range: range.clone(), hint: false });
                }
                if object_name == Some("statistics") && STATISTICS.contains(&attribute) && args.len() == 1 && invariant_data(w, args[0]) {
                    findings.push(recomputed_finding(w, node));
                }
                if object_name == Some("re") && REGEX_FUNCTIONS.contains(&attribute) {
                    let message = if attribute == "compile" {
                        "`re.compile(...)` runs on every iteration of the loop; compile the pattern once before the loop".to_string()
                    } else {
                        format!(
                            "`re.{attribute}(...)` looks up (and on a cache miss recompiles) its pattern on every \
                             iteration of the loop; compile it once with `re.compile` before the loop"
                        )
                    };
                    findings.push(Finding { kind: ReasonKind::RegexInLoop, message, range: range.clone(), hint: false });
                }
            }
            if depth >= 2 {
                let module_copy = object_name == Some("copy") && matches!(attribute, "copy" | "deepcopy") && args.len() == 1;
                if module_copy && is_loop_invariant(w, args[0]) {
                    findings.push(allocation_finding(w, node, args[0]));
                } else if let Some(object) = object
                    && attribute == "copy"
                    && args.is_empty()
                    && is_loop_invariant(w, object)
                {
                    findings.push(allocation_finding(w, node, object));
                }
            }
        }
        _ => {}
    }
    let overlap = if recursive && !placement::descends_into_loop_item(w, node, &arguments(w, node)) { overlap_weight(w, node, depth) } else { 0 };
    if let Some(frame) = w.function_frame() {
        if recursive {
            frame.recursive_calls.push(range);
            frame.overlap_weight += overlap;
        }
        if memo {
            frame.memo_seen = true;
        }
    }
    report(w, node, findings);
}

/// How much one recursive call adds to the evidence that subproblems overlap: a call whose arguments are computed
/// (`n - 1`, `i + 1`, `s[1:]`, `n // 2`) can meet the same arguments again from another call; one inside a loop counts
/// twice (`for k in ...: f(n - k)` reaches `f(n - 2)` from several iterations). A call on a sub-structure (`node.left`,
/// a loop over `node.children`) descends and never repeats itself, so it adds nothing.
fn overlap_weight(w: &Walker, call: Node, depth: usize) -> usize {
    let computed = arguments(w, call).iter().any(|arg| {
        let value = if w.tag(*arg) == Tag::KeywordArgument { w.grammar.child(*arg, w.grammar.fields.value) } else { Some(*arg) };
        value.is_some_and(|v| match w.tag(v) {
            Tag::BinaryOperator => true,
            Tag::Subscript => {
                let mut cursor = v.walk();
                v.named_children(&mut cursor).any(|c| c.kind() == "slice")
            }
            _ => false,
        })
    });
    match (computed, depth) {
        (false, _) => 0,
        (true, 0) => 1,
        (true, _) => 2,
    }
}

/// The argument of an aggregate is the same data on every iteration: a loop-invariant name, or a generator or
/// comprehension over such names that reads nothing the loops bind (`max(abs(x) for x in samples)`).
fn invariant_data(w: &Walker, node: Node) -> bool {
    if is_loop_invariant(w, node) {
        return true;
    }
    if !matches!(w.tag(node), Tag::GeneratorExpression | Tag::ListComprehension | Tag::SetComprehension) {
        return false;
    }
    let mut cursor = node.walk();
    let own: Vec<&str> = node
        .named_children(&mut cursor)
        .filter(|c| w.tag(*c) == Tag::ForInClause)
        .filter_map(|c| w.grammar.child(c, w.grammar.fields.left))
        .flat_map(|t| placement::identifiers(w, t))
        .collect();
    let mut reads = placement::identifiers(w, node).into_iter().filter(|n| !own.contains(n)).peekable();
    reads.peek().is_some() && reads.all(|name| super::builtins::is_builtin(name) || is_invariant_name(w, name))
}

fn is_invariant_name(w: &Walker, name: &str) -> bool {
    let Some(frame) = w.frames.last() else { return false };
    if placement::rebound_in_loop(w, name) || placement::mutated_in_loop(w, name) {
        return false;
    }
    match frame.values.get(name) {
        Some(value) => value.loop_depth == 0,
        None => frame.is_param(name) || w.frames.first().is_some_and(|m| m.values.contains_key(name)),
    }
}

fn recomputed_finding(w: &Walker, call: Node) -> Finding {
    Finding {
        kind: ReasonKind::NestedLoops,
        message: format!(
            "`{}` passes over the same data on every iteration of the loop (O(n) each time, O(n²) overall); compute \
             it once before the loop",
            snippet(w, call)
        ),
        range: call.byte_range(),
        hint: false,
    }
}

fn allocation_finding(w: &Walker, call: Node, copied: Node) -> Finding {
    Finding {
        kind: ReasonKind::AllocationInLoop,
        message: format!(
            "`{}` copies `{}`, which does not change inside the loops, on every iteration of an inner loop; \
             make the copy once outside the loops if it is only read",
            snippet(w, call),
            snippet(w, copied)
        ),
        range: call.byte_range(),
        hint: false,
    }
}

pub(super) fn comparison(w: &mut Walker, node: Node) {
    let Some(depth) = function_depth(w) else { return };
    let mut cursor = node.walk();
    let children: Vec<Node> = node.children(&mut cursor).filter(|c| w.tag(*c) != Tag::Comment).collect();
    let mut findings = Vec::new();
    let mut memo = false;
    for (index, operator) in children.iter().enumerate() {
        if operator.is_named() || !matches!(operator.kind(), "in" | "not in") {
            continue;
        }
        let negated = operator.kind() == "not in" || (index > 0 && children[index - 1].kind() == "not");
        let Some(right) = children[index + 1..].iter().find(|c| c.is_named()) else { continue };
        let Some(left) = children[..index].iter().rev().find(|c| c.is_named()) else { continue };
        memo |= is_memo_like(w, *right);
        if depth == 0 {
            continue;
        }
        let Some(what) = list_operand(w, *right) else { continue };
        let test = format!("{} {} {}", snippet(w, *left), if negated { "not in" } else { "in" }, snippet(w, *right));
        findings.push(Finding {
            kind: ReasonKind::ListMembershipInLoop,
            message: format!("`{test}` scans {what} on every iteration of the loop (O(n) each time); a set makes the test O(1)"),
            range: node.byte_range(),
            hint: false,
        });
    }
    if memo {
        mark_memo(w);
    }
    report(w, node, findings);
}

/// Describes the operand of `in` when it is (known to be) a list, e.g. "the list `items`".
fn list_operand(w: &Walker, node: Node) -> Option<String> {
    match w.tag(node) {
        Tag::List if node.named_child_count() >= MIN_FLAGGED_LIST_LITERAL => Some("a list literal".to_string()),
        Tag::ListComprehension => Some("a freshly built list".to_string()),
        Tag::Call if value_kind(w, node) == ValueKind::List => Some("a freshly built list".to_string()),
        Tag::Identifier => {
            let name = w.text(node);
            match w.value_of(name)?.kind {
                ValueKind::List => Some(format!("the list `{name}`")),
                ValueKind::Tuple => Some(format!("the tuple `{name}`")),
                // A few literal items (`types = [A, B, C]`) stay a few unless the loop adds to them.
                ValueKind::ShortList if placement::grows_in_loop(w, name) => Some(format!("the list `{name}`")),
                _ => None,
            }
        }
        // `self.items` that the loop itself appends to: the de-duplication into an attribute or a global.
        Tag::Attribute if placement::is_plain_chain(w, node) && placement::grows_in_loop(w, w.text(node)) => {
            Some(format!("the list `{}`, which the loop grows,", w.text(node)))
        }
        _ => None,
    }
}

/// `s = s + ...` on a string inside a loop.
pub(super) fn assignment(w: &mut Walker, node: Node) {
    let Some(depth) = function_depth(w) else { return };
    let fields = &w.grammar.fields;
    let (Some(left), Some(right)) = (w.grammar.child(node, fields.left), w.grammar.child(node, fields.right)) else {
        return;
    };
    let Some(name) = identifier_text(w, Some(left)) else { return };
    if accumulates_into(w, right, name) {
        string_growth(w, node, name, depth, &format!("{name} = {name} + ..."));
    }
}

/// `s += ...` on a string inside a loop.
pub(super) fn augmented_assignment(w: &mut Walker, node: Node) {
    let Some(depth) = function_depth(w) else { return };
    let fields = &w.grammar.fields;
    let operator = w.grammar.child(node, fields.operator).map_or("", |o| w.text(o));
    let Some(name) = identifier_text(w, w.grammar.child(node, fields.left)) else { return };
    if operator == "+=" {
        string_growth(w, node, name, depth, &format!("{name} += ..."));
    }
}

fn string_growth(w: &mut Walker, node: Node, name: &str, depth: usize, shown: &str) {
    let Some(value) = w.value_of(name) else { return };
    // Growth needs the string to outlive an iteration: bound outside the loop it grows in.
    if value.kind != ValueKind::Str || depth <= value.loop_depth {
        return;
    }
    let message = format!(
        "`{shown}` copies the whole string `{name}` on every iteration of the loop (O(n²) overall as it grows); \
         collect the parts in a list and `''.join()` them once"
    );
    report(w, node, vec![Finding { kind: ReasonKind::StringConcatInLoop, message, range: node.byte_range(), hint: false }]);
}

/// `sorted(x)[0]` / `sorted(x)[-1]`, and memo-table subscripts.
pub(super) fn subscript(w: &mut Walker, node: Node) {
    if function_depth(w).is_none() {
        return;
    }
    let fields = &w.grammar.fields;
    let Some(value) = w.grammar.child(node, fields.value) else { return };
    if is_memo_like(w, value) {
        mark_memo(w);
        return;
    }
    if w.tag(value) != Tag::Call {
        return;
    }
    let callee = w.grammar.child(value, fields.function);
    if identifier_text(w, callee) != Some("sorted") {
        return;
    }
    let index = w.grammar.child(node, fields.subscript).map_or("", |s| w.text(s));
    let replacement = match index.split_whitespace().collect::<String>().as_str() {
        "0" => "min",
        "-1" => "max",
        _ => return,
    };
    let message = format!("`{}` sorts the whole sequence (O(n log n)) to take one element; `{replacement}(...)` finds it in O(n)", snippet(w, node));
    report(w, node, vec![Finding { kind: ReasonKind::SortForMinMax, message, range: node.byte_range(), hint: false }]);
}

/// A `for` loop whose whole body appends to a list (optionally under one `if`): a comprehension candidate.
pub(super) fn for_statement(w: &mut Walker, node: Node) {
    let Some(depth) = function_depth(w) else { return };
    if depth >= 1 {
        super::nesting::search_loop(w, node);
        super::square::for_statement(w, node);
    }
    let fields = &w.grammar.fields;
    if w.grammar.child(node, fields.alternative).is_some() {
        return;
    }
    let Some(mut statement) = w.grammar.child(node, fields.body).and_then(|b| only_statement(w, b)) else { return };
    if w.tag(statement) == Tag::IfStatement {
        if w.grammar.child(statement, fields.alternative).is_some() {
            return;
        }
        let Some(inner) = w.grammar.child(statement, fields.consequence).and_then(|b| only_statement(w, b)) else {
            return;
        };
        statement = inner;
    }
    if w.tag(statement) != Tag::ExpressionStatement || statement.named_child_count() != 1 {
        return;
    }
    let Some(call) = statement.named_child(0).filter(|c| w.tag(*c) == Tag::Call) else { return };
    let Some(function) = w.grammar.child(call, fields.function).filter(|f| w.tag(*f) == Tag::Attribute) else {
        return;
    };
    let attribute = w.grammar.child(function, fields.attribute).map_or("", |a| w.text(a));
    let Some(list) = identifier_text(w, w.grammar.child(function, fields.object)) else { return };
    if attribute != "append" || arguments(w, call).len() != 1 {
        return;
    }
    if w.value_of(list).is_none_or(|v| v.kind != ValueKind::List) {
        return;
    }
    let message = format!(
        "This loop only appends to `{list}`; a list comprehension (`{list} = [... for ...]`) builds the same list \
         without a method call per item"
    );
    report(w, node, vec![Finding { kind: ReasonKind::AppendInLoop, message, range: node.byte_range(), hint: false }]);
}

/// The single statement of a block (comments aside), if it has exactly one.
pub(super) fn only_statement<'t>(w: &Walker, block: Node<'t>) -> Option<Node<'t>> {
    let mut cursor = block.walk();
    let mut statements = block.named_children(&mut cursor).filter(|c| w.tag(*c) != Tag::Comment);
    let first = statements.next()?;
    statements.next().is_none().then_some(first)
}

pub(super) fn nested_loops_message(depth: usize) -> String {
    let power = match depth {
        2 => "²".to_string(),
        3 => "³".to_string(),
        d => format!("^{d}"),
    };
    format!(
        "Loops are nested {depth} deep: the innermost body runs once for every combination of the outer \
         iterations (O(n{power}) for inputs of size n); a dict/set lookup or a single pass can often replace the inner loop"
    )
}

pub(super) fn recursion_message(name: &str, calls: usize) -> String {
    if calls >= 2 {
        format!(
            "`{name}` calls itself {calls} times per call without caching: the same arguments are recomputed over and \
             over (exponential time for branching recursion); `@functools.cache` or a memo dict makes each argument cost once"
        )
    } else {
        format!(
            "`{name}` calls itself without caching: repeated arguments are recomputed, and deep inputs can hit Python's \
             recursion limit; `@functools.cache` or an iterative version avoids both"
        )
    }
}
