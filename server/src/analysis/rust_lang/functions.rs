//! Per-function body scan: loop nesting, bindings, name uses and the raw findings the heuristics
//! record, turned into a [`FunctionInfo`] when the function ends.
//!
//! The scan is driven node by node by the file walk (one pass over the whole file), so it keeps
//! explicit stacks (modes, loop frames) instead of recursing.

use super::grammar::{Field, FieldExt, Grammar, Kind};
use super::holds::Local;
use super::names::{self, PRELUDE};
use super::walk::{named_children, text};
use crate::analysis::{ByteRange, FunctionInfo, NameUse, ReasonKind};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::num::NonZeroU16;
use tree_sitter::Node;

/// Field types of the structs declared in the file: type name -> field name -> type text.
pub(super) type StructFields = HashMap<String, HashMap<String, String>>;

/// A name use seen in the body, before locals are known: single names stay borrowed from the source.
pub(super) enum Candidate<'a> {
    Name(&'a str),
    Path(Vec<String>),
}

/// Whether identifiers under a node introduce bindings (patterns) or refer to things (expressions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Expr,
    Pattern,
}

/// A loop, or a closure handed to an iterator adaptor (`iter().map(|x| ..)`), which runs per element.
struct LoopFrame {
    /// The node whose `leave` ends the frame (a `for` body, a `while`, a closure).
    node_id: usize,
    real: bool,
}

/// The outermost loop currently open and how deep loops nest inside it.
struct Nest {
    range: ByteRange,
    depth: usize,
}

pub(super) struct Finding {
    pub(super) range: ByteRange,
    pub(super) detail: String,
    /// Only a hint, whatever the kind (recursion whose calls cannot overlap).
    pub(super) hint: bool,
}

/// Static facts about the function being scanned.
pub(super) struct FnHeader {
    pub(super) name: String,
    pub(super) qualified_name: String,
    /// The impl type or trait, for methods.
    pub(super) container: Option<String>,
    /// Whole item, attributes included.
    pub(super) range: ByteRange,
    pub(super) name_range: ByteRange,
    /// Generic parameter names of the function and its impl/trait.
    pub(super) generics: HashSet<String>,
    /// Defined in `impl Trait for Type`.
    pub(super) in_trait_impl: bool,
    /// A `#[test]` function or one inside a `#[cfg(test)]` module: analysed, never flagged.
    pub(super) test: bool,
}

pub(super) struct FnScan<'a> {
    pub(super) source: &'a str,
    pub(super) header: FnHeader,
    pub(super) struct_fields: &'a StructFields,
    modes: Vec<Mode>,
    loops: Vec<LoopFrame>,
    real_loops: usize,
    nest: Option<Nest>,
    deepest_nest: Option<Nest>,
    pub(super) has_loop: bool,
    /// Every name bound anywhere in the function (parameters, lets, patterns, closure params, local items).
    pub(super) bound: HashSet<&'a str>,
    /// What the latest declaration of each simple local holds.
    pub(super) locals: HashMap<&'a str, Local>,
    /// Candidate name uses in order of appearance, filtered against `bound` at the end.
    pub(super) candidates: Vec<Candidate<'a>>,
    /// `use` declarations inside the body: local name -> full path.
    pub(super) body_imports: HashMap<String, Vec<String>>,
    pub(super) findings: BTreeMap<ReasonKind, Vec<Finding>>,
    pub(super) self_call: Option<ByteRange>,
    /// Evidence that the recursive calls overlap: each call with computed arguments (`n - 1`, `&s[1..]`) adds 1, or 2
    /// inside a loop; under 2 the recursion is a chain or a descent over a structure.
    pub(super) self_call_overlap: usize,
    pub(super) memo_evidence: bool,
    /// Locals sorted so far, and the `[0]`/`.first()`/`.last()` reads of them.
    pub(super) sorted: HashSet<&'a str>,
    pub(super) extreme_reads: Vec<(&'a str, ByteRange)>,
    pub(super) other_index_reads: HashSet<&'a str>,
    /// `format!` calls already reported as string concatenation (not again as an allocation).
    pub(super) consumed_macros: HashSet<usize>,
    named_nodes: usize,
    statements: usize,
    plain_constructor: bool,
}

impl<'a> FnScan<'a> {
    /// Starts scanning `function` (a `function_item`): binds its parameters and notes its shape.
    pub(super) fn new(function: Node<'_>, header: FnHeader, source: &'a str, struct_fields: &'a StructFields) -> Self {
        let mut scan = FnScan {
            source,
            header,
            struct_fields,
            modes: Vec::new(),
            loops: Vec::new(),
            real_loops: 0,
            nest: None,
            deepest_nest: None,
            has_loop: false,
            bound: HashSet::new(),
            locals: HashMap::new(),
            candidates: Vec::new(),
            body_imports: HashMap::new(),
            findings: BTreeMap::new(),
            self_call: None,
            self_call_overlap: 0,
            memo_evidence: false,
            sorted: HashSet::new(),
            extreme_reads: Vec::new(),
            other_index_reads: HashSet::new(),
            consumed_macros: HashSet::new(),
            named_nodes: 0,
            statements: 0,
            plain_constructor: false,
        };
        let attributes = source.get(scan.header.range.start..function.start_byte()).unwrap_or("");
        if names::mentions_memo(attributes) {
            scan.memo_evidence = true;
        }
        if let Some(parameters) = function.field(Field::Parameters) {
            scan.bind_parameters(parameters);
            scan.note_signature_types(parameters);
        }
        if let Some(return_type) = function.child_by_field_name("return_type") {
            scan.note_signature_types(return_type);
        }
        if let Some(body) = function.field(Field::Body) {
            let statements: Vec<Node<'_>> = named_children(body).into_iter().filter(|n| !n.kind().ends_with("comment")).collect();
            scan.statements = statements.len();
            scan.plain_constructor = statements.len() == 1 && is_struct_construction(statements[0], source);
        }
        scan
    }

    /// Types named in the signature are dependencies too: consolidating a function needs the
    /// structs its parameters and result are made of.
    fn note_signature_types(&mut self, node: Node<'_>) {
        let mut stack = vec![node];
        while let Some(current) = stack.pop() {
            match current.kind() {
                "type_identifier" => {
                    let name = text(current, self.source);
                    if name != "Self" {
                        self.add_candidate(vec![name.to_string()]);
                    }
                }
                "scoped_type_identifier" => {
                    if let Some(path) = super::imports::path_segments(current, self.source).and_then(|p| self.resolve_self(p)) {
                        self.add_candidate(path);
                    }
                }
                // Parameter names are bindings, not types.
                "identifier" | "self_parameter" => {}
                _ => stack.extend(named_children(current).into_iter().rev()),
            }
        }
    }

    fn bind_parameters(&mut self, parameters: Node<'_>) {
        for parameter in named_children(parameters) {
            if parameter.kind() != "parameter" {
                continue;
            }
            let type_text = parameter.field(Field::Type).map(|t| text(t, self.source)).unwrap_or("");
            if names::mentions_memo(type_text) || type_text.contains("HashMap") || type_text.contains("BTreeMap") {
                self.memo_evidence = true;
            }
            let Some(pattern) = parameter.field(Field::Pattern) else {
                continue;
            };
            let bindings = pattern_bindings(pattern, self.source);
            if let [single] = bindings.as_slice() {
                let holds = super::holds::holds_from_type(type_text);
                self.locals.insert(single, Local { holds, loop_depth: 0 });
            }
            for binding in bindings {
                if names::mentions_memo(binding) {
                    self.memo_evidence = true;
                }
                self.bound.insert(binding);
            }
        }
    }

    /// Loop frames currently open (real loops and per-element closures).
    pub(super) fn loop_depth(&self) -> usize {
        self.loops.len()
    }

    /// Inside something that runs once per element.
    pub(super) fn in_loop(&self) -> bool {
        !self.loops.is_empty()
    }

    /// Inside a real loop, or a per-element closure inside another one. A lone `iter().map(|x| x.clone())`
    /// allocates per element by design, so it does not count.
    pub(super) fn in_allocating_loop(&self) -> bool {
        self.real_loops > 0 || self.loops.len() > 1
    }

    pub(super) fn find(&mut self, kind: ReasonKind, range: ByteRange, detail: String) {
        self.findings.entry(kind).or_default().push(Finding { range, detail, hint: false });
    }

    pub(super) fn push_loop(&mut self, node_id: usize, real: bool, range: ByteRange) {
        self.has_loop = true;
        let depth = self.loops.len() + 1;
        match &mut self.nest {
            Some(nest) => nest.depth = nest.depth.max(depth),
            None => self.nest = Some(Nest { range, depth }),
        }
        self.loops.push(LoopFrame { node_id, real });
        if real {
            self.real_loops += 1;
        }
    }

    fn pop_loop_if_ends_at(&mut self, node_id: usize) {
        if self.loops.last().is_none_or(|frame| frame.node_id != node_id) {
            return;
        }
        if let Some(frame) = self.loops.pop()
            && frame.real
        {
            self.real_loops -= 1;
        }
        if self.loops.is_empty()
            && let Some(nest) = self.nest.take()
            && nest.depth >= 2
            && self.deepest_nest.as_ref().is_none_or(|d| d.depth < nest.depth)
        {
            self.deepest_nest = Some(nest);
        }
    }

    pub(super) fn add_candidate(&mut self, path: Vec<String>) {
        if !path.is_empty() {
            self.candidates.push(Candidate::Path(path));
        }
    }

    /// Resolves a leading `Self` to the impl type; `None` when there is no container to name.
    pub(super) fn resolve_self(&self, mut path: Vec<String>) -> Option<Vec<String>> {
        if path.first().is_some_and(|s| s == "Self") {
            let container = self.header.container.clone()?;
            path[0] = container;
        }
        Some(path)
    }

    /// Called by the file walk for every node inside the body; returns whether to visit children.
    pub(super) fn enter(&mut self, node: Node<'_>, field: Option<NonZeroU16>, ancestors: &[Node<'_>]) -> bool {
        let grammar = Grammar::get();
        let parent_kind = ancestors.last().map(|p| grammar.kind(*p)).unwrap_or(Kind::Other);
        let inherited = self.modes.last().copied().unwrap_or(Mode::Expr);
        let kind = grammar.kind(node);
        let mode = match parent_kind {
            _ if matches!(kind, Kind::MatchPattern | Kind::ClosureParameters) => Mode::Pattern,
            Kind::MatchPattern if field == grammar.condition => Mode::Expr,
            Kind::Parameter if field == grammar.type_field => Mode::Expr,
            Kind::LetDeclaration | Kind::ForExpression | Kind::LetCondition | Kind::Parameter | Kind::FieldPattern if field == grammar.pattern => Mode::Pattern,
            _ => inherited,
        };
        self.modes.push(mode);
        self.named_nodes += 1;
        match kind {
            Kind::LineComment | Kind::BlockComment | Kind::AttributeItem | Kind::InnerAttributeItem | Kind::Skipped | Kind::TokenTree => false,
            Kind::Identifier => {
                self.on_identifier(node, field.is_some() && field == grammar.type_field, mode);
                false
            }
            Kind::ShorthandFieldIdentifier => {
                if mode == Mode::Pattern {
                    self.bound.insert(text(node, self.source));
                }
                false
            }
            Kind::FieldIdentifier => {
                if names::mentions_memo(text(node, self.source)) {
                    self.memo_evidence = true;
                }
                false
            }
            Kind::ScopedIdentifier => {
                if let Some(path) = super::imports::path_segments(node, self.source).and_then(|p| self.resolve_self(p)) {
                    self.add_candidate(path);
                }
                false
            }
            Kind::TypeIdentifier => {
                let name = text(node, self.source);
                if name != "Self" {
                    self.candidates.push(Candidate::Name(name));
                }
                false
            }
            Kind::MacroInvocation => {
                self.on_macro(node);
                false
            }
            Kind::ForExpression => {
                self.has_loop = true;
                true
            }
            Kind::Block if parent_kind == Kind::ForExpression && field == grammar.body => {
                let range = ancestors.last().map(|p| p.byte_range()).unwrap_or_else(|| node.byte_range());
                self.push_loop(node.id(), true, range);
                true
            }
            Kind::WhileExpression | Kind::LoopExpression => {
                self.push_loop(node.id(), true, node.byte_range());
                true
            }
            Kind::ClosureExpression => {
                self.on_closure(node, ancestors);
                true
            }
            Kind::CallExpression => {
                self.on_call(node);
                true
            }
            Kind::CompoundAssignment => {
                self.on_compound_assignment(node);
                true
            }
            Kind::Assignment => {
                self.on_assignment(node);
                true
            }
            Kind::IndexExpression => {
                self.on_index(node);
                true
            }
            Kind::LetDeclaration => {
                self.on_let(node);
                true
            }
            _ => true,
        }
    }

    pub(super) fn leave(&mut self, node: Node<'_>) {
        self.modes.pop();
        self.pop_loop_if_ends_at(node.id());
    }

    fn on_identifier(&mut self, node: Node<'_>, is_type_field: bool, mode: Mode) {
        let name = text(node, self.source);
        if names::mentions_memo(name) {
            self.memo_evidence = true;
        }
        let refers = match mode {
            Mode::Expr => true,
            // `Some(x)`: the constructor is a use; a capitalised lone identifier is a constant or unit variant.
            Mode::Pattern => is_type_field || name.starts_with(|c: char| c.is_ascii_uppercase()),
        };
        if refers {
            self.candidates.push(Candidate::Name(name));
        } else {
            self.bound.insert(name);
        }
    }

    /// A local item (nested fn, struct, const...) declared in the body: its name is local.
    pub(super) fn bind_local_item(&mut self, name: &'a str) {
        self.bound.insert(name);
    }

    /// A `use` inside the body: rewrite uses of its names to the full path.
    pub(super) fn add_body_import(&mut self, local: String, full_path: Vec<String>) {
        self.body_imports.insert(local, full_path);
    }

    /// Ends the scan and produces the function's analysis.
    pub(super) fn finish(mut self) -> FunctionInfo {
        if let Some(nest) = self.deepest_nest.take() {
            let detail = format!("{} levels", nest.depth);
            self.find(ReasonKind::NestedLoops, nest.range, detail);
        }
        let recursive = self.self_call.is_some();
        if let Some(range) = self.self_call.clone()
            && !self.memo_evidence
        {
            let hint = self.self_call_overlap < 2;
            self.findings.entry(ReasonKind::UncachedRecursion).or_default().push(Finding { range, detail: String::new(), hint });
        }
        let extreme_reads = std::mem::take(&mut self.extreme_reads);
        for (name, range) in extreme_reads {
            if !self.other_index_reads.contains(&name) {
                self.find(ReasonKind::SortForMinMax, range, name.to_string());
            }
        }
        let mut reasons = super::messages::reasons(&self.header.name, std::mem::take(&mut self.findings));
        if self.header.test {
            reasons.clear();
        }
        let small = self.statements <= 2 && self.named_nodes <= 40;
        let trivial = !self.has_loop && !recursive && reasons.is_empty() && (small || self.plain_constructor);
        let uses = self.final_uses();
        FunctionInfo {
            name: self.header.name,
            qualified_name: self.header.qualified_name,
            container: self.header.container,
            range: self.header.range,
            name_range: self.header.name_range,
            score: crate::analysis::score(&reasons),
            reasons,
            uses,
            trivial,
        }
    }

    fn final_uses(&mut self) -> Vec<NameUse> {
        let own_path: Vec<String> = match &self.header.container {
            Some(container) => vec![container.clone(), self.header.name.clone()],
            None => vec![self.header.name.clone()],
        };
        let mut seen = HashSet::new();
        let mut uses = Vec::new();
        for candidate in std::mem::take(&mut self.candidates) {
            let (first, length) = match &candidate {
                Candidate::Name(name) => (*name, 1),
                Candidate::Path(path) => (path[0].as_str(), path.len()),
            };
            let rewrite = self.body_imports.get(first);
            if rewrite.is_none()
                && (self.bound.contains(first)
                    || self.header.generics.contains(first)
                    || PRELUDE.contains(&first)
                    || (length == 1 && matches!(first, "self" | "super" | "crate" | "Self" | "_")))
            {
                continue;
            }
            let mut path = match candidate {
                Candidate::Name(name) => vec![name.to_string()],
                Candidate::Path(path) => path,
            };
            if let Some(full) = rewrite {
                let mut rewritten = full.clone();
                rewritten.extend(path.drain(1..));
                path = rewritten;
            }
            if path == own_path {
                continue;
            }
            if seen.insert(path.clone()) {
                uses.push(NameUse { path });
            }
        }
        uses
    }
}

/// The names a pattern binds (`(a, mut b)`, `Point { x, y: ref z }`, `s @ Some(_)`).
pub(super) fn pattern_bindings<'s>(pattern: Node<'_>, source: &'s str) -> Vec<&'s str> {
    let type_field = Grammar::get().type_field;
    let mut names = Vec::new();
    let mut cursor = pattern.walk();
    let mut pending = vec![(pattern, None)];
    while let Some((node, field)) = pending.pop() {
        match node.kind() {
            "identifier" => {
                let name = text(node, source);
                let is_constant = name.starts_with(|c: char| c.is_ascii_uppercase());
                if (field.is_none() || field != type_field) && !is_constant {
                    names.push(name);
                }
            }
            "shorthand_field_identifier" => names.push(text(node, source)),
            "scoped_identifier" | "scoped_type_identifier" | "type_identifier" | "self" => {}
            _ => {
                let mut children = Vec::new();
                cursor.reset(node);
                if cursor.goto_first_child() {
                    loop {
                        let child = cursor.node();
                        if child.is_named() {
                            children.push((child, cursor.field_id()));
                        }
                        if !cursor.goto_next_sibling() {
                            break;
                        }
                    }
                }
                pending.extend(children.into_iter().rev());
            }
        }
    }
    names
}

/// `Self { .. }`, `Point { .. }`, `Self(..)`: a body that only builds a value.
fn is_struct_construction(statement: Node<'_>, source: &str) -> bool {
    match statement.kind() {
        "struct_expression" => true,
        "call_expression" => {
            statement.field(Field::Function).is_some_and(|f| f.kind() == "identifier" && text(f, source).starts_with(|c: char| c.is_ascii_uppercase()))
        }
        _ => false,
    }
}
