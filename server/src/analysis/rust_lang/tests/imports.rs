//! `use` declarations, `mod` children, module paths and module resolution.

use super::analyze;
use crate::analysis::ModuleRef;
use crate::analysis::rust_lang::{module_path, resolve_module};
use std::path::Path;

/// (local name, module path, item) for every import in `source`.
fn imports(source: &str) -> Vec<(String, String, Option<String>)> {
    analyze(source)
        .imports
        .into_iter()
        .map(|b| {
            let ModuleRef::Rust { path } = b.module else { panic!("python module in rust") };
            (b.local_name, path.join("::"), b.item)
        })
        .collect()
}

fn binding(local: &str, module: &str, item: Option<&str>) -> (String, String, Option<String>) {
    (local.to_string(), module.to_string(), item.map(str::to_string))
}

#[test]
fn simple_use_binds_the_last_segment_from_its_parent_module() {
    assert_eq!(imports("use crate::a::b::f;"), vec![binding("f", "crate::a::b", Some("f"))]);
    assert_eq!(imports("use crate::a::b;"), vec![binding("b", "crate::a", Some("b"))]);
    assert_eq!(imports("use std::collections::HashMap;"), vec![binding("HashMap", "std::collections", Some("HashMap"))]);
    assert_eq!(imports("pub use self::inner::Thing;"), vec![binding("Thing", "self::inner", Some("Thing"))]);
}

#[test]
fn aliases_bind_the_new_name() {
    assert_eq!(imports("use super::x as y;"), vec![binding("y", "super", Some("x"))]);
    assert_eq!(imports("use super::super::m::x as y;"), vec![binding("y", "super::super::m", Some("x"))]);
    assert!(imports("use std::io::Write as _;").is_empty());
}

#[test]
fn groups_expand_including_nested_groups_aliases_and_self() {
    assert_eq!(
        imports("use crate::m::{f, g as h, self, sub::{k, deeper::{l as m2}}, Other::*};"),
        vec![
            binding("f", "crate::m", Some("f")),
            binding("h", "crate::m", Some("g")),
            binding("m", "crate", Some("m")),
            binding("k", "crate::m::sub", Some("k")),
            binding("m2", "crate::m::sub::deeper", Some("l")),
            binding("*", "crate::m::Other", None),
        ]
    );
    assert_eq!(imports("use {crate::a::b, super::c};"), vec![binding("b", "crate::a", Some("b")), binding("c", "super", Some("c"))]);
    assert_eq!(imports("use crate::m::{self as mm};"), vec![binding("mm", "crate", Some("m"))]);
}

#[test]
fn globs_bind_star_with_the_module_path() {
    assert_eq!(imports("use crate::prelude::*;"), vec![binding("*", "crate::prelude", None)]);
    assert_eq!(imports("use super::*;"), vec![binding("*", "super", None)]);
}

#[test]
fn single_segment_use_binds_the_crate_itself() {
    assert_eq!(imports("use regex;"), vec![binding("regex", "regex", None)]);
}

#[test]
fn imports_carry_the_declaration_range_and_ignore_inline_modules() {
    let source = "use crate::a::f;\nmod tests {\n    use super::*;\n}\n";
    let analysis = analyze(source);
    assert_eq!(analysis.imports.len(), 1);
    assert_eq!(&source[analysis.imports[0].range.clone()], "use crate::a::f;");
}

#[test]
fn mod_declarations_without_bodies_are_child_modules() {
    let analysis = analyze("mod a;\npub mod b;\n#[cfg(test)]\nmod tests { mod not_a_file; }\npub(crate) mod c;\n");
    assert_eq!(analysis.child_modules, vec!["a", "b", "c"]);
}

fn segments(path: &[&str]) -> Option<Vec<String>> {
    Some(path.iter().map(|s| s.to_string()).collect())
}

#[test]
fn module_paths_follow_the_file_layout_under_src() {
    assert_eq!(module_path(Path::new("lib.rs")), segments(&["crate"]));
    assert_eq!(module_path(Path::new("main.rs")), segments(&["crate"]));
    assert_eq!(module_path(Path::new("a.rs")), segments(&["crate", "a"]));
    assert_eq!(module_path(Path::new("a/mod.rs")), segments(&["crate", "a"]));
    assert_eq!(module_path(Path::new("a/b.rs")), segments(&["crate", "a", "b"]));
    assert_eq!(module_path(Path::new("a/main.rs")), segments(&["crate", "a", "main"]));
    assert_eq!(module_path(Path::new("bin/tool.rs")), None);
    assert_eq!(module_path(Path::new("a/b.py")), None);
    assert_eq!(module_path(Path::new("my-file.rs")), None);
    assert_eq!(module_path(Path::new("../a.rs")), None);
}

fn rust(path: &[&str]) -> ModuleRef {
    ModuleRef::Rust { path: path.iter().map(|s| s.to_string()).collect() }
}

#[test]
fn resolve_module_handles_crate_self_and_super() {
    let importer: Vec<String> = ["crate", "a", "b"].iter().map(|s| s.to_string()).collect();
    assert_eq!(resolve_module(&importer, &rust(&["crate", "x"])), segments(&["crate", "x"]));
    assert_eq!(resolve_module(&importer, &rust(&["self", "x"])), segments(&["crate", "a", "b", "x"]));
    assert_eq!(resolve_module(&importer, &rust(&["self"])), segments(&["crate", "a", "b"]));
    assert_eq!(resolve_module(&importer, &rust(&["super", "x"])), segments(&["crate", "a", "x"]));
    assert_eq!(resolve_module(&importer, &rust(&["super", "super", "y"])), segments(&["crate", "y"]));
    assert_eq!(resolve_module(&importer, &rust(&["super", "super"])), segments(&["crate"]));
    assert_eq!(resolve_module(&importer, &rust(&["super", "super", "super", "z"])), None);
    assert_eq!(resolve_module(&importer, &rust(&["std", "collections"])), None);
    assert_eq!(resolve_module(&importer, &rust(&["regex"])), None);
    assert_eq!(resolve_module(&importer, &rust(&[])), None);
    assert_eq!(resolve_module(&importer, &ModuleRef::Python { level: 1, path: vec![] }), None);
}
