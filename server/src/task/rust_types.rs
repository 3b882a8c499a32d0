//! Rust signatures for the cargo harness: the target function's parameters and return type (tree-sitter),
//! a small model of the standard types the harness can synthesize and compare, and the Rust code that
//! builds, passes and compares them.

use crate::analysis::Language;

/// A parameter or return type, as far as the harness understands it.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Int(String),
    Float(String),
    Bool,
    Char,
    String,
    /// Unsized `str` (only behind a reference).
    Str,
    /// Unsized `[T]` (only behind a reference).
    Slice(Box<Ty>),
    Vec(Box<Ty>),
    Option(Box<Ty>),
    /// `HashMap` or `BTreeMap` (the name), key, value.
    Map(String, Box<Ty>, Box<Ty>),
    /// `HashSet` or `BTreeSet` (the name), item.
    Set(String, Box<Ty>),
    Tuple(Vec<Ty>),
    Ref {
        mutable: bool,
        inner: Box<Ty>,
    },
    /// Anything else, as written (project types, generics, `impl Trait`...).
    Other(String),
}

/// The target function's signature.
#[derive(Debug, Clone, PartialEq)]
pub struct RustSignature {
    /// Parameter types as written.
    pub params: Vec<String>,
    /// `()` when there is no return type.
    pub output: String,
    /// Methods, and generic functions whose type parameters have no standard instantiation, cannot be called
    /// by the generated code.
    pub callable: bool,
    /// The concrete type each generic parameter was given (`params` and `output` are written with them).
    pub instantiated: Vec<(String, String)>,
}

/// The signature of the free function `function` at the top level of `source` (or in an inline module is not
/// searched). `Type::method` is found in an `impl` block and reported as not callable.
pub fn find_signature(source: &str, function: &str) -> Option<RustSignature> {
    let tree = Language::Rust.parse(source, None)?;
    let (container, name) = match function.rsplit_once("::") {
        Some((container, name)) => (Some(container), name),
        None => (None, function),
    };
    let root = tree.root_node();
    let mut cursor = root.walk();
    for item in root.named_children(&mut cursor) {
        match (item.kind(), container) {
            ("function_item", None) if field_text(item, "name", source) == Some(name) => {
                return Some(signature_of(item, source));
            }
            ("impl_item", Some(container)) if field_text(item, "type", source).is_some_and(|t| base_name(t) == container) => {
                let body = item.child_by_field_name("body")?;
                let mut inner = body.walk();
                for member in body.named_children(&mut inner) {
                    if member.kind() == "function_item" && field_text(member, "name", source) == Some(name) {
                        return Some(RustSignature { callable: false, ..signature_of(member, source) });
                    }
                }
            }
            _ => {}
        }
    }
    None
}

fn base_name(type_text: &str) -> &str {
    type_text.split('<').next().unwrap_or(type_text).trim()
}

fn field_text<'a>(node: tree_sitter::Node, field: &str, source: &'a str) -> Option<&'a str> {
    node.child_by_field_name(field).and_then(|n| source.get(n.byte_range()))
}

fn signature_of(item: tree_sitter::Node, source: &str) -> RustSignature {
    let mut params = Vec::new();
    let mut instantiated = Vec::new();
    let mut callable = true;
    if let Some(generics) = field_text(item, "type_parameters", source) {
        let mut cursor = item.walk();
        let where_clause = item.children(&mut cursor).find(|c| c.kind() == "where_clause").and_then(|c| source.get(c.byte_range())).unwrap_or("");
        match super::rust_generics::instantiate(generics, where_clause) {
            Some(types) => instantiated = types,
            None => callable = false,
        }
    }
    if let Some(list) = item.child_by_field_name("parameters") {
        let mut cursor = list.walk();
        for param in list.named_children(&mut cursor) {
            match param.kind() {
                "parameter" => params.push(super::rust_generics::substitute(field_text(param, "type", source).unwrap_or("_"), &instantiated)),
                "self_parameter" | "variadic_parameter" => callable = false,
                _ => {}
            }
        }
    }
    let output = super::rust_generics::substitute(field_text(item, "return_type", source).unwrap_or("()"), &instantiated);
    if params.iter().chain(std::iter::once(&output)).any(|t| super::rust_generics::names_associated_type(t)) {
        callable = false;
    }
    RustSignature { params, output, callable, instantiated }
}

/// Parses a type as written. Never fails: what is not understood is [`Ty::Other`].
pub fn parse_type(text: &str) -> Ty {
    let tokens = tokenize(text);
    let mut at = 0;
    match parse_at(&tokens, &mut at) {
        Some(ty) if at == tokens.len() => ty,
        _ => Ty::Other(text.trim().to_string()),
    }
}

fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '\'' {
            let mut word = c.to_string();
            while let Some(&n) = chars.peek().filter(|n| n.is_alphanumeric() || **n == '_') {
                word.push(n);
                chars.next();
            }
            tokens.push(word);
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            tokens.push("::".into());
        } else {
            tokens.push(c.to_string());
        }
    }
    tokens
}

fn parse_at(tokens: &[String], at: &mut usize) -> Option<Ty> {
    let token = tokens.get(*at)?.as_str();
    *at += 1;
    match token {
        "&" => {
            if tokens.get(*at).is_some_and(|t| t.starts_with('\'')) {
                *at += 1;
            }
            let mutable = tokens.get(*at).is_some_and(|t| t == "mut");
            if mutable {
                *at += 1;
            }
            Some(Ty::Ref { mutable, inner: Box::new(parse_at(tokens, at)?) })
        }
        "(" => {
            let items = parse_list(tokens, at, ")")?;
            Some(if items.is_empty() { Ty::Tuple(Vec::new()) } else { Ty::Tuple(items) })
        }
        "[" => {
            let inner = parse_at(tokens, at)?;
            (tokens.get(*at)? == "]").then(|| *at += 1)?;
            Some(Ty::Slice(Box::new(inner)))
        }
        _ if token.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_') => {
            let mut name = token.to_string();
            let mut path = token.to_string();
            while tokens.get(*at).is_some_and(|t| t == "::") {
                name = tokens.get(*at + 1)?.clone();
                path = format!("{path}::{name}");
                *at += 2;
            }
            let args = if tokens.get(*at).is_some_and(|t| t == "<") {
                *at += 1;
                parse_list(tokens, at, ">")?
            } else {
                Vec::new()
            };
            let written = if args.is_empty() { path } else { format!("{path}<{}>", args.iter().map(Ty::rust).collect::<Vec<_>>().join(", ")) };
            Some(named(&name, args).unwrap_or(Ty::Other(written)))
        }
        _ => None,
    }
}

fn parse_list(tokens: &[String], at: &mut usize, close: &str) -> Option<Vec<Ty>> {
    let mut items = Vec::new();
    loop {
        if tokens.get(*at)? == close {
            *at += 1;
            return Some(items);
        }
        items.push(parse_at(tokens, at)?);
        match tokens.get(*at)?.as_str() {
            "," => *at += 1,
            t if t == close => {}
            _ => return None,
        }
    }
}

fn named(name: &str, mut args: Vec<Ty>) -> Option<Ty> {
    let one = |args: &mut Vec<Ty>| (args.len() == 1).then(|| Box::new(args.remove(0)));
    Some(match name {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize" if args.is_empty() => Ty::Int(name.into()),
        "f32" | "f64" if args.is_empty() => Ty::Float(name.into()),
        "bool" if args.is_empty() => Ty::Bool,
        "char" if args.is_empty() => Ty::Char,
        "String" if args.is_empty() => Ty::String,
        "str" if args.is_empty() => Ty::Str,
        "Vec" => Ty::Vec(one(&mut args)?),
        "Option" => Ty::Option(one(&mut args)?),
        "HashMap" | "BTreeMap" if args.len() == 2 => {
            let value = args.pop()?;
            Ty::Map(name.into(), Box::new(args.pop()?), Box::new(value))
        }
        "HashSet" | "BTreeSet" => Ty::Set(name.into(), one(&mut args)?),
        _ => return None,
    })
}

impl Ty {
    /// The owned type stored in the harness's `Input` (`&[T]` → `Vec<T>`, `&str` → `String`), if the harness
    /// can make values of it.
    pub fn owned(&self) -> Option<Ty> {
        match self {
            Ty::Ref { inner, .. } => match inner.as_ref() {
                Ty::Str => Some(Ty::String),
                Ty::Slice(item) => Some(Ty::Vec(Box::new(item.owned()?))),
                Ty::Ref { .. } => None,
                other => other.owned(),
            },
            Ty::Str | Ty::Slice(_) | Ty::Other(_) => None,
            Ty::Vec(item) => Some(Ty::Vec(Box::new(item.owned()?))),
            Ty::Option(item) => Some(Ty::Option(Box::new(item.owned()?))),
            Ty::Set(kind, item) => Some(Ty::Set(kind.clone(), Box::new(item.owned()?))),
            Ty::Map(kind, k, v) => Some(Ty::Map(kind.clone(), Box::new(k.owned()?), Box::new(v.owned()?))),
            Ty::Tuple(items) => Some(Ty::Tuple(items.iter().map(Ty::owned).collect::<Option<_>>()?)),
            scalar => Some(scalar.clone()),
        }
    }

    /// The type written as Rust.
    pub fn rust(&self) -> String {
        match self {
            Ty::Int(n) | Ty::Float(n) => n.clone(),
            Ty::Bool => "bool".into(),
            Ty::Char => "char".into(),
            Ty::String => "String".into(),
            Ty::Str => "str".into(),
            Ty::Slice(item) => format!("[{}]", item.rust()),
            Ty::Vec(item) => format!("Vec<{}>", item.rust()),
            Ty::Option(item) => format!("Option<{}>", item.rust()),
            Ty::Map(kind, k, v) => format!("{kind}<{}, {}>", k.rust(), v.rust()),
            Ty::Set(kind, item) => format!("{kind}<{}>", item.rust()),
            Ty::Tuple(items) if items.len() == 1 => format!("({},)", items[0].rust()),
            Ty::Tuple(items) => format!("({})", items.iter().map(Ty::rust).collect::<Vec<_>>().join(", ")),
            Ty::Ref { mutable, inner } => format!("&{}{}", if *mutable { "mut " } else { "" }, inner.rust()),
            Ty::Other(text) => text.clone(),
        }
    }

    fn is_copy_scalar(&self) -> bool {
        matches!(self, Ty::Int(_) | Ty::Float(_) | Ty::Bool | Ty::Char)
    }

    /// True when the type is made only of standard types the harness's `Canon` trait compares.
    pub fn comparable(&self) -> bool {
        match self {
            Ty::Other(_) => false,
            Ty::Slice(i) | Ty::Vec(i) | Ty::Option(i) | Ty::Set(_, i) => i.comparable(),
            Ty::Ref { inner, .. } => inner.comparable(),
            Ty::Map(_, k, v) => k.comparable() && v.comparable(),
            Ty::Tuple(items) => items.len() <= 6 && items.iter().all(Ty::comparable),
            _ => true,
        }
    }
}

/// Sizes of synthesized values: top-level collections, collections inside collections, plain integers.
pub const COLLECTION_SIZE: usize = 10_000;
/// The top-level size when two sequences are passed together.
pub const PAIRWISE_SIZE: usize = 2_000;
pub const NESTED_SIZE: usize = 30;
pub const SCALAR_INT: u32 = 20;

/// An expression making a random value of `ty` with the generator `rng`, at nesting `depth`.
pub fn synth_expr(ty: &Ty, depth: usize) -> String {
    let size = match depth {
        0 => "COLLECTION_SIZE",
        1 => "NESTED_SIZE",
        _ => "5",
    };
    match ty {
        Ty::Int(n) if depth == 0 => format!("SCALAR_INT as {n}"),
        Ty::Int(n) if n == "u8" || n == "i8" => format!("rng.below(100) as {n}"),
        Ty::Int(n) => format!("rng.below(1000) as {n}"),
        Ty::Float(n) => format!("(rng.unit() * 1000.0) as {n}"),
        Ty::Bool => "rng.below(2) == 0".into(),
        Ty::Char => "(b'a' + rng.below(26) as u8) as char".into(),
        Ty::String if depth == 0 => "rng.word(COLLECTION_SIZE)".into(),
        Ty::String => "rng.word(8)".into(),
        Ty::Vec(item) => format!("(0..{size}).map(|_| {}).collect::<Vec<_>>()", synth_expr(item, depth + 1)),
        Ty::Option(item) => format!("Some({})", synth_expr(item, depth)),
        Ty::Set(kind, item) => format!("(0..{size}).map(|_| {}).collect::<{kind}<_>>()", synth_expr(item, depth + 1)),
        Ty::Map(kind, k, v) => format!("(0..{size}).map(|_| ({}, {})).collect::<{kind}<_, _>>()", synth_expr(k, depth + 1), synth_expr(v, depth + 1)),
        Ty::Tuple(items) if items.is_empty() => "()".into(),
        Ty::Tuple(items) => format!("({},)", items.iter().map(|i| synth_expr(i, depth + 1)).collect::<Vec<_>>().join(", ")),
        // not reached for owned types the harness can make
        Ty::Str | Ty::Slice(_) | Ty::Ref { .. } | Ty::Other(_) => "Default::default()".into(),
    }
}

/// The argument expression passing field `index` of the harness's `input` as a parameter of type `param`.
/// Values taken by value are moved out (`mem::take`, free for collections) so that no clone is timed;
/// project types without `Default` are cloned instead.
pub fn argument_expr(param: &Ty, index: usize) -> String {
    match param {
        Ty::Ref { mutable: true, .. } => format!("&mut input.{index}"),
        Ty::Ref { mutable: false, .. } => format!("&input.{index}"),
        ty if ty.is_copy_scalar() => format!("input.{index}"),
        Ty::Other(_) | Ty::Str | Ty::Slice(_) => format!("input.{index}.clone()"),
        _ => format!("std::mem::take(&mut input.{index})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_types_parse_references_collections_and_paths() {
        assert_eq!(parse_type("&[u32]").owned().unwrap().rust(), "Vec<u32>");
        assert_eq!(parse_type("&'a str").owned(), Some(Ty::String));
        assert_eq!(parse_type("&mut Vec<f64>").owned().unwrap().rust(), "Vec<f64>");
        assert_eq!(parse_type("std::collections::HashMap<String, Vec<(i32, bool)>>").rust(), "HashMap<String, Vec<(i32, bool)>>");
        assert!(matches!(parse_type("Point"), Ty::Other(_)));
        assert!(parse_type("&[Point]").owned().is_none());
        assert!(!parse_type("Vec<Point>").comparable() && parse_type("Option<(u8, String)>").comparable());
    }

    #[test]
    fn rust_signatures_of_free_functions_methods_and_generics() {
        let source = "use std::collections::HashMap;\n\
                      pub fn count(a: &[u32], mut b: Vec<u32>) -> usize { 0 }\n\
                      fn apply<T: Into<f64>>(x: T) {}\n\
                      fn pairs<E: Eq>(a: &[E]) -> Vec<E> { vec![] }\n\
                      struct S;\nimpl S { fn go(&self, n: u64) -> u64 { n } }\n";
        let count = find_signature(source, "count").unwrap();
        assert_eq!((count.params.clone(), count.output.as_str(), count.callable), (vec!["&[u32]".into(), "Vec<u32>".into()], "usize", true));
        assert!(!find_signature(source, "apply").unwrap().callable);
        let pairs = find_signature(source, "pairs").unwrap();
        assert!(pairs.callable && pairs.params == ["&[char]"] && pairs.output == "Vec<char>", "{pairs:?}");
        let method = find_signature(source, "S::go").unwrap();
        assert!(!method.callable && method.output == "u64");
        assert!(find_signature(source, "missing").is_none());
    }
}
