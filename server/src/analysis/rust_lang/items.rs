//! The file walk: items and their nesting (inline modules, impls, traits, functions), symbols,
//! imports and `mod` children, and dispatch of function bodies to [`FnScan`].
//!
//! One pass over the whole tree: a function's body is scanned while the walk goes through it, and
//! nested items inside a body are handed back to the item logic instead of the enclosing scan.

use super::functions::{FnHeader, FnScan, StructFields};
use super::grammar::{Field, FieldExt, Grammar, Kind};
use super::imports::expand_use;
use super::walk::{Visitor, named_children, text};
use crate::analysis::{FunctionInfo, ImportBinding, ModuleRef, Symbol, SymbolKind};
use std::collections::{HashMap, HashSet};
use std::num::NonZeroU16;
use tree_sitter::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    /// An inline `mod m { .. }`.
    Module,
    Impl,
    /// `impl Trait for Type`: `Type::name(..)` may be another trait's method of the same name.
    TraitImpl,
    Trait,
    Function,
}

struct Scope {
    node_id: usize,
    kind: ScopeKind,
    /// The segment this scope adds to qualified names.
    name: String,
    generics: Vec<String>,
    /// Test code (`#[cfg(test)]` module, `#[test]` function): never flagged.
    test: bool,
}

struct OpenFunction<'a> {
    node_id: usize,
    slot: usize,
    scan: FnScan<'a>,
}

pub(super) struct FileWalker<'a> {
    source: &'a str,
    struct_fields: &'a StructFields,
    scopes: Vec<Scope>,
    open: Vec<OpenFunction<'a>>,
    /// Per entered node: whether it was forwarded to the innermost scan (so its `leave` is too).
    forwarded: Vec<bool>,
    /// Per depth: where the run of attributes / doc comments before the next sibling started.
    attribute_start: Vec<Option<usize>>,
    pub(super) functions: Vec<Option<FunctionInfo>>,
    pub(super) symbols: Vec<Symbol>,
    pub(super) imports: Vec<ImportBinding>,
    pub(super) child_modules: Vec<String>,
}

impl<'a> FileWalker<'a> {
    pub(super) fn new(source: &'a str, struct_fields: &'a StructFields) -> Self {
        FileWalker {
            source,
            struct_fields,
            scopes: Vec::new(),
            open: Vec::new(),
            forwarded: Vec::new(),
            attribute_start: Vec::new(),
            functions: Vec::new(),
            symbols: Vec::new(),
            imports: Vec::new(),
            child_modules: Vec::new(),
        }
    }

    fn qualified(&self, name: &str) -> String {
        let mut parts: Vec<&str> = self.scopes.iter().map(|s| s.name.as_str()).collect();
        parts.push(name);
        parts.join("::")
    }

    /// Directly in the file or an inline module (not in a function, impl or trait).
    fn at_module_level(&self) -> bool {
        self.scopes.last().is_none_or(|s| s.kind == ScopeKind::Module)
    }

    fn in_test_code(&self) -> bool {
        self.scopes.last().is_some_and(|s| s.test)
    }

    fn in_inline_module_or_function(&self) -> bool {
        !self.scopes.is_empty()
    }

    /// The impl type or trait a function defined here belongs to.
    fn container(&self) -> Option<String> {
        self.scopes.last().filter(|s| matches!(s.kind, ScopeKind::Impl | ScopeKind::TraitImpl | ScopeKind::Trait)).map(|s| s.name.clone())
    }

    fn is_doc_or_attribute(&self, node: Node<'_>, kind: Kind) -> bool {
        match kind {
            Kind::AttributeItem => true,
            Kind::LineComment => {
                let t = text(node, self.source);
                t.starts_with("///") && !t.starts_with("////")
            }
            Kind::BlockComment => {
                let t = text(node, self.source);
                t.starts_with("/**") && !t.starts_with("/***") && t != "/**/"
            }
            _ => false,
        }
    }

    fn start_function(&mut self, node: Node<'_>, item_start: usize) {
        let Some(name_node) = node.field(Field::Name) else {
            return;
        };
        let name = text(name_node, self.source).to_string();
        if name.is_empty() || name_node.is_missing() {
            return;
        }
        if let Some(outer) = self.open.last_mut() {
            outer.scan.bind_local_item(text(name_node, self.source));
        }
        let container = self.container();
        let qualified_name = self.qualified(&name);
        let range = item_start..node.end_byte();
        if self.at_module_level() {
            self.symbols.push(Symbol {
                name: name.clone(),
                qualified_name: qualified_name.clone(),
                kind: SymbolKind::Function,
                range: range.clone(),
                bases: Vec::new(),
            });
        } else if container.is_some() && self.open.is_empty() {
            self.symbols.push(Symbol {
                name: name.clone(),
                qualified_name: qualified_name.clone(),
                kind: SymbolKind::Method,
                range: range.clone(),
                bases: Vec::new(),
            });
        }
        let own_generics = generic_names(node, self.source);
        let generics: HashSet<String> = self.scopes.iter().flat_map(|s| s.generics.iter().cloned()).chain(own_generics.iter().cloned()).collect();
        let attributes = self.source.get(item_start..node.start_byte()).unwrap_or("");
        let test = self.in_test_code() || attributes.contains("test]");
        let header = FnHeader {
            name: name.clone(),
            qualified_name,
            container,
            range,
            name_range: name_node.byte_range(),
            generics,
            in_trait_impl: self.scopes.last().is_some_and(|s| s.kind == ScopeKind::TraitImpl),
            test,
        };
        let scan = FnScan::new(node, header, self.source, self.struct_fields);
        self.functions.push(None);
        self.open.push(OpenFunction { node_id: node.id(), slot: self.functions.len() - 1, scan });
        self.scopes.push(Scope { node_id: node.id(), kind: ScopeKind::Function, name, generics: own_generics, test });
    }

    /// Structs, enums, traits, aliases, consts and statics: symbols when at module (or impl) level,
    /// local names when inside a function body.
    fn record_item(&mut self, node: Node<'_>, item_start: usize) {
        let Some(name_node) = node.field(Field::Name) else {
            return;
        };
        let name = text(name_node, self.source);
        if name.is_empty() {
            return;
        }
        if let Some(open) = self.open.last_mut() {
            open.scan.bind_local_item(name);
            return;
        }
        let kind = match node.kind() {
            "const_item" | "static_item" => SymbolKind::Constant,
            _ => SymbolKind::Class,
        };
        if self.at_module_level() || (kind == SymbolKind::Constant && self.container().is_some()) {
            self.symbols.push(Symbol {
                name: name.to_string(),
                qualified_name: self.qualified(name),
                kind,
                range: item_start..node.end_byte(),
                bases: Vec::new(),
            });
        }
    }

    fn record_use(&mut self, node: Node<'_>) {
        let bindings = expand_use(node, self.source);
        if let Some(open) = self.open.last_mut() {
            for binding in bindings {
                if let (ModuleRef::Rust { path }, Some(item)) = (binding.module, binding.item) {
                    let mut full = path;
                    full.push(item);
                    open.scan.add_body_import(binding.local_name, full);
                }
            }
        } else if !self.in_inline_module_or_function() {
            // `use` inside inline modules is relative to that module (`mod tests { use super::*; }`);
            // recording it file-wide would resolve it against the wrong module.
            self.imports.extend(bindings);
        }
    }

    fn finish_function(&mut self) {
        if let Some(open) = self.open.pop() {
            let info = open.scan.finish();
            if let Some(slot) = self.functions.get_mut(open.slot) {
                *slot = Some(info);
            }
        }
    }
}

impl<'t> Visitor<'t> for FileWalker<'_> {
    fn enter(&mut self, node: Node<'t>, field: Option<NonZeroU16>, ancestors: &[Node<'t>]) -> bool {
        let grammar = Grammar::get();
        let depth = ancestors.len();
        self.attribute_start.resize(depth + 1, None);
        let kind = grammar.kind(node);
        if self.is_doc_or_attribute(node, kind) {
            self.attribute_start[depth].get_or_insert(node.start_byte());
            self.forwarded.push(false);
            return false;
        }
        if matches!(kind, Kind::LineComment | Kind::BlockComment) {
            self.forwarded.push(false);
            return false;
        }
        let item_start = self.attribute_start[depth].take().unwrap_or(node.start_byte()).min(node.start_byte());

        // A function's signature is not part of its body.
        if let (Some(parent), Some(open)) = (ancestors.last(), self.open.last())
            && parent.id() == open.node_id
            && (field.is_none() || field != grammar.body)
        {
            self.forwarded.push(false);
            return false;
        }
        let descend = match kind {
            Kind::FunctionItem => {
                self.start_function(node, item_start);
                true
            }
            Kind::ImplItem => {
                let name = node.field(Field::Type).map(|t| impl_type_name(t, self.source)).unwrap_or_default();
                let generics = generic_names(node, self.source);
                self.scopes.push(Scope {
                    node_id: node.id(),
                    kind: if node.field(Field::Trait).is_some() { ScopeKind::TraitImpl } else { ScopeKind::Impl },
                    name,
                    generics,
                    test: self.in_test_code(),
                });
                true
            }
            Kind::TraitItem => {
                self.record_item(node, item_start);
                let name = node.field(Field::Name).map(|n| text(n, self.source).to_string()).unwrap_or_default();
                let generics = generic_names(node, self.source);
                self.scopes.push(Scope { node_id: node.id(), kind: ScopeKind::Trait, name, generics, test: self.in_test_code() });
                true
            }
            Kind::ModItem => {
                let name = node.field(Field::Name).map(|n| text(n, self.source).to_string()).unwrap_or_default();
                if let Some(open) = self.open.last_mut() {
                    open.scan.bind_local_item(node.field(Field::Name).map(|n| text(n, self.source)).unwrap_or(""));
                }
                if node.field(Field::Body).is_some() {
                    self.scopes.push(Scope {
                        node_id: node.id(),
                        kind: ScopeKind::Module,
                        name,
                        generics: Vec::new(),
                        test: self.in_test_code() || self.source.get(item_start..node.start_byte()).is_some_and(|a| a.contains("cfg(test)")),
                    });
                    true
                } else {
                    if self.scopes.is_empty() && !name.is_empty() {
                        self.child_modules.push(name);
                    }
                    false
                }
            }
            Kind::TypeItem | Kind::ValueItem => {
                self.record_item(node, item_start);
                false
            }
            Kind::UseDeclaration => {
                self.record_use(node);
                false
            }
            Kind::OpaqueItem | Kind::TokenTree => false,
            _ => {
                if let Some(open) = self.open.last_mut() {
                    self.forwarded.push(true);
                    return open.scan.enter(node, field, ancestors);
                }
                true
            }
        };
        self.forwarded.push(false);
        descend
    }

    fn leave(&mut self, node: Node<'t>) {
        if self.forwarded.pop() == Some(true)
            && let Some(open) = self.open.last_mut()
        {
            open.scan.leave(node);
        }
        if self.scopes.last().is_some_and(|s| s.node_id == node.id())
            && let Some(scope) = self.scopes.pop()
            && scope.kind == ScopeKind::Function
        {
            self.finish_function();
        }
    }
}

/// The type an impl is for, by its base name: `Stack<T>` -> `Stack`, `&'a a::Foo` -> `Foo`.
fn impl_type_name(mut node: Node<'_>, source: &str) -> String {
    for _ in 0..16 {
        let next = match node.kind() {
            "type_identifier" | "primitive_type" => return text(node, source).to_string(),
            "generic_type" => node.field(Field::Type),
            "scoped_type_identifier" => node.field(Field::Name),
            "reference_type" | "pointer_type" => node.field(Field::Type),
            _ => None,
        };
        match next {
            Some(inner) => node = inner,
            None => break,
        }
    }
    text(node, source).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Names of the type and const parameters declared by an item (`<T, const N: usize>`).
fn generic_names(item: Node<'_>, source: &str) -> Vec<String> {
    let Some(parameters) = item.field(Field::TypeParameters) else {
        return Vec::new();
    };
    named_children(parameters)
        .into_iter()
        .filter_map(|p| match p.kind() {
            "type_parameter" | "const_parameter" => p.field(Field::Name).map(|n| text(n, source).to_string()),
            "type_identifier" => Some(text(p, source).to_string()),
            _ => None,
        })
        .collect()
}

/// Field types of every named-field struct in the file (inline modules included), for `self.field` checks.
pub(super) fn struct_fields(root: Node<'_>, source: &str) -> StructFields {
    let mut fields: StructFields = HashMap::new();
    let mut lists = vec![root];
    while let Some(list) = lists.pop() {
        for item in named_children(list) {
            match item.kind() {
                "mod_item" => lists.extend(item.field(Field::Body)),
                "struct_item" => {
                    let (Some(name), Some(body)) = (item.field(Field::Name), item.field(Field::Body)) else {
                        continue;
                    };
                    let entry = fields.entry(text(name, source).to_string()).or_default();
                    for declaration in named_children(body) {
                        if let (Some(field), Some(field_type)) = (declaration.field(Field::Name), declaration.field(Field::Type)) {
                            entry.insert(text(field, source).to_string(), text(field_type, source).to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    fields
}
