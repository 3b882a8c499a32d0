//! The single pass over a Python tree: scopes (module, classes, functions), bindings, name uses and
//! loop nesting. Pattern detection lives in `heuristics`, which this walk calls node by node.
//!
//! The walk is iterative (a `TreeCursor` plus an explicit stack), so arbitrarily deep code cannot
//! overflow the thread's stack, and it visits every node once. How each identifier binds or uses a
//! name lives in `names`.

mod names;

use super::builtins::is_builtin;
use super::frame::{Frame, FrameKind, HashSet, Value, ValueKind};
use super::grammar::{Grammar, Tag};
use super::modes::{Mode, child_mode};
use super::{heuristics, imports, nesting, square};
use crate::analysis::{ByteRange, FunctionInfo, ImportBinding, NameUse, Reason, ReasonKind, Symbol, SymbolKind, score};
use std::num::NonZeroU16;
use tree_sitter::Node;

/// A node on the walk's stack.
struct Entry<'t> {
    node: Node<'t>,
    tag: Tag,
    mode: Mode,
    pushed_frame: bool,
    pushed_loops: usize,
    /// For comprehensions: how many `for` clauses it has, and how many were entered so far.
    comprehension_clauses: usize,
    clauses_seen: usize,
}

/// The result of a walk.
pub(super) struct Walk {
    pub functions: Vec<FunctionInfo>,
    pub symbols: Vec<Symbol>,
    pub imports: Vec<ImportBinding>,
}

pub(super) struct Walker<'s, 't> {
    pub source: &'s str,
    pub grammar: &'static Grammar,
    entries: Vec<Entry<'t>>,
    pub frames: Vec<Frame<'s>>,
    functions: Vec<FunctionInfo>,
    symbols: Vec<Symbol>,
    imports: Vec<ImportBinding>,
    constant_names: HashSet<&'s str>,
}

/// Walks the whole tree once and collects functions, symbols and imports.
pub(super) fn walk(tree: &tree_sitter::Tree, source: &str) -> Walk {
    walk_towards(tree, source, None)
}

/// Walks only what the results for `focus` (a definition whose ancestors are the module and
/// classes) depend on, and returns the functions, symbols and imports found inside `focus`:
/// everything before it is walked for its effect on the module's bindings, except the insides of
/// other functions and classes (entered so their names are bound, never descended into), and the
/// walk stops when `focus` is left. Nothing inside a function or class body changes the
/// module-level bindings that the functions inside `focus` read, so the results are the ones a
/// whole walk gives for `focus`.
pub(super) fn walk_focused(tree: &tree_sitter::Tree, source: &str, focus: Node) -> Walk {
    walk_towards(tree, source, Some(focus))
}

fn walk_towards(tree: &tree_sitter::Tree, source: &str, focus: Option<Node>) -> Walk {
    let mut walker = Walker {
        source,
        grammar: Grammar::get(),
        entries: Vec::new(),
        frames: vec![Frame::new(FrameKind::Module, "", String::new(), true)],
        functions: Vec::new(),
        symbols: Vec::new(),
        imports: Vec::new(),
        constant_names: HashSet::default(),
    };
    // With a focus: the ids of its ancestors (and itself), and the output lengths when it was entered.
    let focus_path: Vec<usize> = focus.map(|f| std::iter::successors(Some(f), |n| n.parent()).map(|n| n.id()).collect()).unwrap_or_default();
    let mut focus_started: Option<(usize, usize, usize)> = None;
    let mut cursor = tree.root_node().walk();
    'walk: loop {
        let node = cursor.node();
        let lengths = (walker.functions.len(), walker.symbols.len(), walker.imports.len());
        let mut descend = node.is_named() && walker.enter(node, cursor.field_id().map_or(0, NonZeroU16::get));
        if let Some(focus) = focus {
            if node.id() == focus.id() {
                focus_started = Some(lengths);
            } else if focus_started.is_none()
                && descend
                && matches!(walker.entries.last().map(|e| e.tag), Some(Tag::FunctionDefinition | Tag::ClassDefinition))
                && !focus_path.contains(&node.id())
            {
                descend = false;
            }
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node().is_named() {
                walker.exit();
            }
            if let (Some(focus), Some((functions, symbols, imports))) = (focus, focus_started)
                && cursor.node().id() == focus.id()
            {
                return Walk {
                    functions: walker.functions.split_off(functions),
                    symbols: walker.symbols.split_off(symbols),
                    imports: walker.imports.split_off(imports),
                };
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    // A broken tree can leave nothing open; close whatever is (only the module frame normally).
    while walker.frames.len() > 1 {
        walker.close_frame();
    }
    if focus.is_some() {
        // The focus was not in the tree: nothing found inside it.
        return Walk { functions: Vec::new(), symbols: Vec::new(), imports: Vec::new() };
    }
    Walk { functions: walker.functions, symbols: walker.symbols, imports: walker.imports }
}

impl<'s, 't> Walker<'s, 't> {
    pub fn text(&self, node: Node) -> &'s str {
        self.source.get(node.byte_range()).unwrap_or("")
    }

    pub fn tag(&self, node: Node) -> Tag {
        self.grammar.tag(node)
    }

    /// Where the innermost function being walked starts.
    pub fn function_start(&self) -> Option<usize> {
        self.entries.iter().rev().find(|e| e.tag == Tag::FunctionDefinition).map(|e| e.node.start_byte())
    }

    /// The innermost scope, when it is a function (patterns are only reported inside functions).
    pub fn function_frame(&mut self) -> Option<&mut Frame<'s>> {
        self.frames.last_mut().filter(|f| f.kind == FrameKind::Function)
    }

    fn frame(&mut self) -> &mut Frame<'s> {
        // The module frame is never popped, so there always is one.
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    /// What `name` holds, looking in the current function first, then at module level.
    pub fn value_of(&self, name: &str) -> Option<Value> {
        let frame = self.frames.last()?;
        if let Some(value) = frame.values.get(name) {
            return Some(*value);
        }
        if frame.locals.contains(name) || frame.params.contains(name) {
            return None;
        }
        self.frames.first()?.values.get(name).copied()
    }

    /// Handles entering a named node; returns whether to walk its children.
    fn enter(&mut self, node: Node<'t>, field: u16) -> bool {
        let tag = self.tag(node);
        let fields = &self.grammar.fields;
        let (parent_tag, parent_mode) = self.entries.last().map_or((Tag::Other, Mode::Load), |e| (e.tag, e.mode));
        let mode = child_mode(parent_tag, parent_mode, field, fields);

        if parent_tag == Tag::Block && tag != Tag::Comment && !self.is_docstring(node) {
            self.frame().statements += 1;
        }

        let pushed_loops = self.push_loops(tag, field);
        let mut entry = Entry { node, tag, mode, pushed_frame: false, pushed_loops, comprehension_clauses: 0, clauses_seen: 0 };
        let mut descend = true;
        match tag {
            Tag::Identifier => self.identifier(node, field, mode),
            // Only the outermost attribute of a chain records it.
            Tag::Attribute if !(parent_tag == Tag::Attribute && field == fields.object) => self.attribute_chain(node),
            Tag::FunctionDefinition => {
                self.open_function(node);
                entry.pushed_frame = true;
            }
            Tag::ClassDefinition => {
                self.open_class(node);
                entry.pushed_frame = true;
            }
            Tag::ImportStatement | Tag::ImportFromStatement => {
                self.import(node);
                descend = false;
            }
            Tag::FutureImportStatement | Tag::Comment => descend = false,
            Tag::ListComprehension | Tag::SetComprehension | Tag::DictionaryComprehension | Tag::GeneratorExpression => {
                let mut cursor = node.walk();
                entry.comprehension_clauses = node.named_children(&mut cursor).filter(|c| self.tag(*c) == Tag::ForInClause).count();
                nesting::comprehension(self, node);
                square::comprehension(self, node);
            }
            Tag::Call => heuristics::call(self, node),
            Tag::ComparisonOperator => heuristics::comparison(self, node),
            Tag::Assignment => self.assignment(node),
            Tag::AugmentedAssignment => heuristics::augmented_assignment(self, node),
            Tag::Subscript => heuristics::subscript(self, node),
            Tag::ForStatement => heuristics::for_statement(self, node),
            _ => {}
        }
        self.entries.push(entry);
        descend
    }

    fn exit(&mut self) {
        let Some(entry) = self.entries.pop() else { return };
        if entry.pushed_frame && self.frames.len() > 1 {
            self.close_frame();
        }
        let frame = self.frame();
        let keep = frame.loops.len().saturating_sub(entry.pushed_loops);
        frame.loops.truncate(keep);
    }

    /// Loop levels that start at this child of its parent: the body of a `for`, the condition
    /// and body of a `while`, and the parts of a comprehension after its first iterable.
    fn push_loops(&mut self, tag: Tag, field: u16) -> usize {
        let fields = &self.grammar.fields;
        let Some(parent) = self.entries.last_mut() else { return 0 };
        let levels = match parent.tag {
            Tag::ForStatement if field == fields.body => 1,
            Tag::WhileStatement if field == fields.body || field == fields.condition => 1,
            Tag::ListComprehension | Tag::SetComprehension | Tag::DictionaryComprehension | Tag::GeneratorExpression => {
                if tag == Tag::ForInClause {
                    parent.clauses_seen += 1;
                    parent.clauses_seen - 1
                } else if tag == Tag::IfClause {
                    parent.clauses_seen
                } else if field == fields.body {
                    parent.comprehension_clauses
                } else {
                    0
                }
            }
            _ => 0,
        };
        if levels == 0 {
            return 0;
        }
        let range = parent.node.byte_range();
        let frame = self.frame();
        for _ in 0..levels {
            frame.loops.push(range.clone());
        }
        frame.any_loop = true;
        if frame.loops.len() > frame.max_depth {
            frame.max_depth = frame.loops.len();
            frame.deepest_nest = frame.loops[0].clone();
        }
        levels
    }

    fn is_docstring(&self, node: Node) -> bool {
        self.tag(node) == Tag::ExpressionStatement
            && node.named_child_count() == 1
            && node.named_child(0).is_some_and(|c| matches!(self.tag(c), Tag::String | Tag::ConcatenatedString))
    }

    fn assignment(&mut self, node: Node) {
        heuristics::assignment(self, node);
        if self.frame().kind != FrameKind::Module {
            return;
        }
        let fields = &self.grammar.fields;
        let Some(left) = self.grammar.child(node, fields.left) else { return };
        if self.tag(left) != Tag::Identifier {
            return;
        }
        let name = self.text(left);
        let dunder = name.starts_with("__") && name.ends_with("__");
        if name == "_" || dunder || !self.constant_names.insert(name) {
            return;
        }
        let statement = self.entries.last().filter(|e| e.tag == Tag::ExpressionStatement).map_or(node, |e| e.node);
        self.symbols.push(Symbol {
            name: name.to_string(),
            qualified_name: name.to_string(),
            kind: SymbolKind::Constant,
            range: statement.byte_range(),
            bases: Vec::new(),
        });
    }

    fn import(&mut self, node: Node) {
        let bindings = imports::bindings(node, self.source);
        let statement_text = self.text(node);
        let depth = self.frame().loop_depth();
        for binding in &bindings {
            // The frame keeps names as slices of the source; any slice with the same text will do.
            let Some(start) = statement_text.find(binding.local_name.as_str()) else { continue };
            if binding.local_name == "*" {
                continue;
            }
            let local = &statement_text[start..start + binding.local_name.len()];
            self.frame().bind(local, Value { kind: ValueKind::Other, loop_depth: depth });
        }
        self.imports.extend(bindings);
    }

    /// Range including decorators, and the decorator texts, for a definition.
    fn definition_extent(&self, node: Node<'t>) -> (ByteRange, Option<Node<'t>>) {
        match self.entries.last() {
            Some(parent) if parent.tag == Tag::DecoratedDefinition => (parent.node.byte_range(), Some(parent.node)),
            _ => (node.byte_range(), None),
        }
    }

    fn open_function(&mut self, node: Node<'t>) {
        let fields = &self.grammar.fields;
        let name_node = self.grammar.child(node, fields.name);
        let name = name_node.map_or("", |n| self.text(n));
        let name_range = name_node.map_or(node.start_byte()..node.start_byte(), |n| n.byte_range());
        let (range, decorated) = self.definition_extent(node);
        let cached = decorated.is_some_and(|d| self.has_cache_decorator(d));
        let compiled = decorated.is_some_and(|d| self.has_compiling_decorator(d));
        let depth = self.frame().loop_depth();
        let outer = self.frame();
        if !name.is_empty() {
            outer.bind(name, Value { kind: ValueKind::Other, loop_depth: depth });
        }
        let outer_kind = outer.kind;
        let outer_exported = outer.exported;
        let qualified_name = qualify(&outer.qualified_name, name);
        let is_method = outer_kind == FrameKind::Class;
        let container = is_method.then(|| outer.qualified_name.clone());
        let symbol_kind = match outer_kind {
            FrameKind::Module => Some(SymbolKind::Function),
            FrameKind::Class if outer_exported => Some(SymbolKind::Method),
            _ => None,
        };
        if let (Some(kind), false) = (symbol_kind, name.is_empty()) {
            self.symbols.push(Symbol { name: name.to_string(), qualified_name: qualified_name.clone(), kind, range: range.clone(), bases: Vec::new() });
        }
        let mut frame = Frame::new(FrameKind::Function, name, qualified_name.clone(), false);
        frame.is_method = is_method;
        frame.cached = cached;
        frame.compiled = compiled;
        frame.function_index = self.functions.len();
        self.functions.push(FunctionInfo {
            name: name.to_string(),
            qualified_name,
            container,
            range,
            name_range,
            score: 0,
            reasons: Vec::new(),
            uses: Vec::new(),
            trivial: false,
        });
        self.frames.push(frame);
    }

    fn open_class(&mut self, node: Node<'t>) {
        let fields = &self.grammar.fields;
        let name = self.grammar.child(node, fields.name).map_or("", |n| self.text(n));
        let (range, _) = self.definition_extent(node);
        let depth = self.frame().loop_depth();
        let outer = self.frame();
        if !name.is_empty() {
            outer.bind(name, Value { kind: ValueKind::Other, loop_depth: depth });
        }
        let exported = outer.exported && outer.kind != FrameKind::Function;
        let qualified_name = qualify(&outer.qualified_name, name);
        if exported && !name.is_empty() {
            let bases = self.class_bases(node);
            self.symbols.push(Symbol { name: name.to_string(), qualified_name: qualified_name.clone(), kind: SymbolKind::Class, range, bases });
        }
        self.frames.push(Frame::new(FrameKind::Class, name, qualified_name, exported));
    }

    /// `class C(Base, mod.Other, metaclass=M)`: the positional bases that are names or attribute chains.
    fn class_bases(&self, node: Node) -> Vec<String> {
        let Some(list) = node.child_by_field_name("superclasses") else { return Vec::new() };
        let mut cursor = list.walk();
        list.named_children(&mut cursor)
            .filter(|c| matches!(self.tag(*c), Tag::Identifier | Tag::Attribute))
            .map(|c| self.text(c).split_whitespace().collect::<String>())
            .collect()
    }

    /// `@numba.jit`, `@njit(cache=True)`, `@nb.vectorize`, `@cython.compile`, `@cython.cfunc`...
    fn has_compiling_decorator(&self, decorated: Node) -> bool {
        let mut cursor = decorated.walk();
        decorated.named_children(&mut cursor).filter(|c| self.tag(*c) == Tag::Decorator).any(|decorator| {
            let text = self.text(decorator).trim_start_matches('@');
            let callee = text.split('(').next().unwrap_or("").trim();
            let last = callee.rsplit('.').next().unwrap_or("");
            let numba = matches!(last, "jit" | "njit" | "vectorize" | "guvectorize" | "stencil" | "cfunc" | "generated_jit");
            numba || callee.starts_with("cython.")
        })
    }

    fn has_cache_decorator(&self, decorated: Node) -> bool {
        let mut cursor = decorated.walk();
        decorated.named_children(&mut cursor).filter(|c| self.tag(*c) == Tag::Decorator).any(|decorator| {
            let text = self.text(decorator).trim_start_matches('@');
            let callee = text.split('(').next().unwrap_or("").trim();
            let last = callee.rsplit('.').next().unwrap_or("");
            matches!(last, "cache" | "lru_cache" | "cached" | "memoize" | "memoized" | "cached_property")
        })
    }

    /// Pops the innermost scope; for a function, fills in its `FunctionInfo` and hands the names
    /// it uses from outside to the enclosing function.
    fn close_frame(&mut self) {
        let Some(frame) = self.frames.pop() else { return };
        if frame.kind != FrameKind::Function {
            return;
        }
        let is_local = |name: &str| frame.params.contains(name) || (frame.locals.contains(name) && !frame.declared_outer.contains(name));
        let mut seen: HashSet<&[&str]> = HashSet::default();
        let mut free: Vec<Vec<&'s str>> = Vec::new();
        // `self.helper()` / `cls.build()` in a method: a use of a member of its class, resolved by the index.
        let mut members: Vec<Vec<&'s str>> = Vec::new();
        for path in &frame.raw_uses {
            let first = path[0];
            if frame.is_method && matches!(first, "self" | "cls") && frame.params.contains(first) && path.len() >= 2 {
                if !members.iter().any(|m| m[1] == path[1]) {
                    members.push(vec![first, path[1]]);
                }
                continue;
            }
            if is_local(first) || is_builtin(first) || !seen.insert(path.as_slice()) {
                continue;
            }
            free.push(path.clone());
        }
        if let Some(enclosing) = self.frames.iter_mut().rev().find(|f| f.kind == FrameKind::Function) {
            enclosing.raw_uses.extend(free.iter().cloned());
        }
        free.extend(members);

        let mut reasons = frame.reasons;
        if let Some(search) = frame.search_nest.clone() {
            reasons.push(Reason { kind: ReasonKind::NestedLoops, message: nesting::search_nest_message(), range: search, hint: false });
        } else if let Some((range, message)) = frame.square_nest.clone() {
            reasons.push(Reason { kind: ReasonKind::NestedLoops, message, range, hint: false });
        } else if frame.max_depth >= 2 {
            // Nesting without a search is most often the algorithm itself (a DP table, all pairs, a walk over each
            // item's parts): worth a line in the hover, not a lens.
            reasons.push(Reason {
                kind: ReasonKind::NestedLoops,
                message: heuristics::nested_loops_message(frame.max_depth),
                range: frame.deepest_nest.clone(),
                hint: true,
            });
        }
        if let Some(first_call) = frame.recursive_calls.first()
            && !frame.cached
            && !frame.memo_seen
        {
            reasons.push(Reason {
                kind: ReasonKind::UncachedRecursion,
                message: heuristics::recursion_message(frame.name, frame.recursive_calls.len()),
                range: first_call.clone(),
                hint: frame.overlap_weight < 2,
            });
        }
        if frame.compiled {
            for reason in &mut reasons {
                reason.hint = true;
            }
        }
        reasons.sort_by_key(|r| (r.range.start, r.kind));
        let trivial = !frame.any_loop && frame.recursive_calls.is_empty() && frame.statements <= 2 && reasons.is_empty();
        if let Some(info) = self.functions.get_mut(frame.function_index) {
            info.score = score(&reasons);
            info.reasons = reasons;
            info.trivial = trivial;
            info.uses = free.into_iter().map(|path| NameUse { path: path.into_iter().map(str::to_string).collect() }).collect();
        }
    }
}

fn qualify(outer: &str, name: &str) -> String {
    if outer.is_empty() { name.to_string() } else { format!("{outer}.{name}") }
}
