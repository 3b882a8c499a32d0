//! What a local or receiver is known to hold (Vec, String, set/map, deque, number), from `let`
//! annotations and initialisers, parameter types, and struct field types for `self.field`.
//!
//! Types are unknown to a parser; when the kind is unknown, the heuristics stay quiet rather than guess.

use super::functions::FnScan;
use super::grammar::{Field, FieldExt};
use super::heuristics::{last_named_child, last_segment, macro_name, strip_deref};
use super::walk::text;
use tree_sitter::Node;

/// How much a growable buffer was reserved when it was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Capacity {
    /// `Vec::new()`, `String::new()`, `vec![]`: every push may reallocate.
    None,
    /// `with_capacity`, `vec![x; n]`, or later `reserve`.
    Reserved,
    /// Only the type is known (parameter, annotation).
    Unknown,
}

/// What a local is known to hold, from its type annotation or initialiser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Holds {
    Vec(Capacity),
    String(Capacity),
    Str,
    SetOrMap,
    Deque,
    Number,
    Unknown,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Local {
    pub(super) holds: Holds,
    /// How many loop frames enclosed the declaration.
    pub(super) loop_depth: usize,
}

impl FnScan<'_> {
    /// Records what a simple `let` binding holds, and at which loop depth it was declared.
    pub(super) fn on_let(&mut self, node: Node<'_>) {
        let Some(mut pattern) = node.field(Field::Pattern) else {
            return;
        };
        if pattern.kind() == "mut_pattern"
            && let Some(inner) = last_named_child(pattern)
        {
            pattern = inner;
        }
        if pattern.kind() != "identifier" {
            return;
        }
        let from_type = node.field(Field::Type).map(|t| holds_from_type(text(t, self.source)));
        let from_value = node.field(Field::Value).map(|v| self.holds_from_value(v));
        let holds = match (from_type, from_value) {
            (Some(Holds::Vec(_)), Some(Holds::Vec(c))) => Holds::Vec(c),
            (Some(Holds::String(_)), Some(Holds::String(c))) => Holds::String(c),
            (Some(t), _) if t != Holds::Unknown => t,
            (_, Some(v)) => v,
            _ => Holds::Unknown,
        };
        let depth = self.loop_depth();
        self.locals.insert(text(pattern, self.source), Local { holds, loop_depth: depth });
    }

    fn holds_from_value(&self, value: Node<'_>) -> Holds {
        match value.kind() {
            "string_literal" | "raw_string_literal" => Holds::Str,
            "integer_literal" | "float_literal" => Holds::Number,
            "array_expression" => Holds::Vec(Capacity::Reserved),
            "macro_invocation" => match macro_name(value, self.source) {
                "vec" => {
                    let empty = value.named_children(&mut value.walk()).all(|t| t.named_child_count() == 0);
                    Holds::Vec(if empty { Capacity::None } else { Capacity::Reserved })
                }
                "format" => Holds::String(Capacity::None),
                _ => Holds::Unknown,
            },
            "call_expression" => {
                let Some(function) = value.field(Field::Function) else {
                    return Holds::Unknown;
                };
                match function.kind() {
                    "scoped_identifier" => {
                        let owner = function.field(Field::Path).map(|p| last_segment(p, self.source)).unwrap_or("");
                        let name = function.field(Field::Name).map(|n| text(n, self.source)).unwrap_or("");
                        let capacity = if name == "with_capacity" { Capacity::Reserved } else { Capacity::None };
                        match owner {
                            "Vec" => Holds::Vec(capacity),
                            "String" => Holds::String(capacity),
                            "VecDeque" => Holds::Deque,
                            _ if owner.ends_with("Set") || owner.ends_with("Map") => Holds::SetOrMap,
                            _ => Holds::Unknown,
                        }
                    }
                    "field_expression" => {
                        let method = function.field(Field::Member).map(|f| text(f, self.source)).unwrap_or("");
                        match method {
                            "to_string" | "to_owned" if function.field(Field::Value).is_some_and(|v| v.kind() == "string_literal") => {
                                Holds::String(Capacity::None)
                            }
                            "to_string" => Holds::String(Capacity::None),
                            "to_vec" => Holds::Vec(Capacity::Reserved),
                            "clone" => function.field(Field::Value).map(|v| self.receiver_holds(v)).unwrap_or(Holds::Unknown),
                            _ => Holds::Unknown,
                        }
                    }
                    "generic_function" => {
                        let turbofish = function.field(Field::TypeArguments).map(|t| text(t, self.source)).unwrap_or("");
                        match holds_from_type(turbofish.trim_start_matches('<')) {
                            Holds::Vec(_) => Holds::Vec(Capacity::Reserved),
                            other => other,
                        }
                    }
                    _ => Holds::Unknown,
                }
            }
            _ => Holds::Unknown,
        }
    }

    /// What a method receiver holds: a known local, or `self.field` with a declared type.
    pub(super) fn receiver_holds(&self, receiver: Node<'_>) -> Holds {
        let receiver = strip_deref(receiver);
        match receiver.kind() {
            "identifier" => self.locals.get(text(receiver, self.source)).map(|l| l.holds).unwrap_or(Holds::Unknown),
            "field_expression" => {
                let is_self = receiver.field(Field::Value).is_some_and(|v| v.kind() == "self");
                let field = receiver.field(Field::Member).map(|f| text(f, self.source)).unwrap_or("");
                let field_type = self.header.container.as_ref().and_then(|c| self.struct_fields.get(c)).and_then(|fields| fields.get(field));
                match field_type {
                    Some(field_type) if is_self => match holds_from_type(field_type) {
                        Holds::Vec(_) => Holds::Vec(Capacity::Unknown),
                        Holds::String(_) => Holds::String(Capacity::Unknown),
                        other => other,
                    },
                    _ => Holds::Unknown,
                }
            }
            _ => Holds::Unknown,
        }
    }

    pub(super) fn local_of(&self, target: Node<'_>) -> Option<Local> {
        (target.kind() == "identifier").then(|| self.locals.get(text(target, self.source)).copied()).flatten()
    }
}

/// What a type annotation says a value holds (`&[T]`, `Vec<T>`, `&mut String`, `HashSet<T>`...).
pub(super) fn holds_from_type(type_text: &str) -> Holds {
    let mut t = type_text.trim();
    loop {
        let before = t;
        t = t.trim_start_matches('&').trim_start();
        if t.starts_with('\'') {
            t = t.split_once(' ').map(|(_, rest)| rest).unwrap_or("");
        }
        t = t.strip_prefix("mut ").unwrap_or(t).trim_start();
        if t == before {
            break;
        }
    }
    let base = t.split(['<', ' ']).next().unwrap_or("").rsplit("::").next().unwrap_or("");
    match base {
        _ if t.starts_with('[') => Holds::Vec(Capacity::Unknown),
        "Vec" => Holds::Vec(Capacity::Unknown),
        "String" => Holds::String(Capacity::Unknown),
        "str" => Holds::Str,
        "VecDeque" => Holds::Deque,
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "f32" | "f64" => Holds::Number,
        _ if base.ends_with("Set") || base.ends_with("Map") => Holds::SetOrMap,
        _ => Holds::Unknown,
    }
}
