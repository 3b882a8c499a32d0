//! Name binding and use: the `Mode` each identifier inherits from its parent, what a binding holds (its
//! `Value`), and the dotted names a function uses from outside its own scope.

use super::Walker;
use crate::analysis::python::builtins::is_builtin;
use crate::analysis::python::frame::{Frame, FrameKind, Value, ValueKind};
use crate::analysis::python::grammar::Tag;
use crate::analysis::python::heuristics;
use crate::analysis::python::modes::{Mode, annotation_kind};
use tree_sitter::Node;

impl<'s> Walker<'s, '_> {
    pub(super) fn identifier(&mut self, node: Node, field: u16, mode: Mode) {
        let name = self.text(node);
        if name.is_empty() {
            return;
        }
        let fields = &self.grammar.fields;
        let Some(parent) = self.entries.last() else { return };
        let (parent_tag, parent_node) = (parent.tag, parent.node);
        match mode {
            Mode::Bind => {
                let value = self.bound_value(name, parent_tag, parent_node, field);
                self.frame().bind(name, value);
            }
            Mode::LoopBind => {
                let depth = self.frame().loop_depth() + 1;
                self.frame().bind(name, Value { kind: ValueKind::Other, loop_depth: depth });
            }
            Mode::Param => {
                let kind = match parent_tag {
                    Tag::TypedParameter | Tag::TypedDefaultParameter => {
                        self.grammar.child(parent_node, fields.type_).map_or(ValueKind::Other, |t| annotation_kind(self.text(t)))
                    }
                    _ => ValueKind::Other,
                };
                let frame = self.frame();
                frame.params.insert(name);
                if kind != ValueKind::Other {
                    frame.values.insert(name, Value { kind, loop_depth: 0 });
                }
            }
            Mode::Declare => {
                self.frame().declared_outer.insert(name);
            }
            Mode::CasePattern => {
                let captures = parent_tag != Tag::DottedName || parent_node.named_child_count() == 1;
                if captures {
                    let depth = self.frame().loop_depth();
                    self.frame().bind(name, Value { kind: ValueKind::Other, loop_depth: depth });
                }
            }
            Mode::Ignore => {}
            Mode::Load => match parent_tag {
                // Attribute chains are recorded whole at their outermost node.
                Tag::Attribute => {}
                // Definition names are bound when their scope opens.
                Tag::FunctionDefinition | Tag::ClassDefinition if field == fields.name => {}
                Tag::DottedName => {
                    if node.start_byte() == parent_node.start_byte() {
                        let path = self.text(parent_node).split('.').map(str::trim).collect();
                        self.record_use(path);
                    }
                }
                _ => self.record_use(vec![name]),
            },
        }
    }

    /// The value an assignment target gets: the assigned expression's kind (keeping the old one
    /// for `s = s + ...`), or `Other` for targets of unpacking, `with`, `except`, walrus.
    fn bound_value(&self, name: &str, parent_tag: Tag, parent: Node, field: u16) -> Value {
        let depth = self.frames.last().map_or(0, Frame::loop_depth);
        let fields = &self.grammar.fields;
        let previous = self.frames.last().and_then(|f| f.values.get(name)).copied();
        if let (Tag::AugmentedAssignment, Some(previous)) = (parent_tag, previous) {
            return previous;
        }
        if parent_tag == Tag::Assignment && field == fields.left {
            if let Some(right) = self.grammar.child(parent, fields.right)
                && let Some(previous) = previous
                && heuristics::accumulates_into(self, right, name)
            {
                return previous;
            }
            let mut kind = self.grammar.child(parent, fields.right).map_or(ValueKind::Other, |r| heuristics::value_kind(self, r));
            if kind == ValueKind::Other
                && let Some(annotation) = self.grammar.child(parent, fields.type_)
            {
                kind = annotation_kind(self.text(annotation));
            }
            return Value { kind, loop_depth: depth };
        }
        Value { kind: ValueKind::Other, loop_depth: depth }
    }

    /// Records `a.b.c` as one use `["a", "b", "c"]` when the chain starts at a plain name.
    pub(super) fn attribute_chain(&mut self, node: Node) {
        if self.frames.last().is_none_or(|f| f.kind != FrameKind::Function) {
            return;
        }
        let fields = &self.grammar.fields;
        let mut segments = Vec::new();
        let mut current = node;
        while self.tag(current) == Tag::Attribute {
            let Some(attribute) = self.grammar.child(current, fields.attribute) else { return };
            segments.push(self.text(attribute));
            let Some(object) = self.grammar.child(current, fields.object) else { return };
            current = object;
        }
        if self.tag(current) != Tag::Identifier {
            return;
        }
        segments.push(self.text(current));
        segments.reverse();
        self.record_use(segments);
    }

    fn record_use(&mut self, path: Vec<&'s str>) {
        let Some(frame) = self.function_frame() else { return };
        let Some(first) = path.first() else { return };
        // Cheap early filter; the exact one runs when the scope closes.
        let local = frame.locals.contains(first) && !frame.declared_outer.contains(first);
        // `self.member` in a method stays: the index resolves it to the class's method.
        let member = frame.is_method && matches!(*first, "self" | "cls") && path.len() >= 2;
        if !member && (local || frame.params.contains(first) || is_builtin(first)) {
            return;
        }
        frame.raw_uses.push(path);
    }
}
