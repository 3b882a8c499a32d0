//! Functions, qualified names, symbols, imports, uses, module names and import resolution.

use super::{analyze, function, names, uses};
use crate::analysis::python::{module_name, resolve_module};
use crate::analysis::{ImportBinding, ModuleRef, SymbolKind};
use std::path::Path;

#[test]
fn functions_methods_nested_and_async_are_all_found_with_qualified_names() {
    let src = "\
import functools

@functools.wraps(print)
async def fetch(url):
    def parse(body):
        return body
    return parse(url)

class Outer:
    class Inner:
        def method(self):
            return 1
    @staticmethod
    def helper():
        return 2
";
    let analysis = analyze(src);
    assert_eq!(names(&analysis), ["fetch", "fetch.parse", "Outer.Inner.method", "Outer.helper"]);
    let fetch = function(&analysis, "fetch");
    assert!(src[fetch.range.clone()].starts_with("@functools.wraps(print)\nasync def fetch"));
    assert_eq!(&src[fetch.name_range.clone()], "fetch");
    assert_eq!(fetch.container, None);
    let method = function(&analysis, "Outer.Inner.method");
    assert_eq!(method.container.as_deref(), Some("Outer.Inner"));
    assert_eq!(method.name, "method");
    let helper = function(&analysis, "Outer.helper");
    assert!(src[helper.range.clone()].starts_with("@staticmethod"));
    assert_eq!(function(&analysis, "fetch.parse").container, None);
}

#[test]
fn symbols_list_top_level_definitions_methods_and_constants_in_order() {
    let src = "\
__all__ = ['f']
MAX = 10
_ = 3
debug = False
MAX = 11

class A:
    LIMIT = 3
    def m(self):
        X = 1
        return X

def f():
    return MAX
";
    let analysis = analyze(src);
    let symbols: Vec<(&str, SymbolKind)> = analysis.symbols.iter().map(|s| (s.qualified_name.as_str(), s.kind)).collect();
    assert_eq!(
        symbols,
        [("MAX", SymbolKind::Constant), ("debug", SymbolKind::Constant), ("A", SymbolKind::Class), ("A.m", SymbolKind::Method), ("f", SymbolKind::Function),]
    );
    assert_eq!(&src[analysis.symbols[0].range.clone()], "MAX = 10");
}

fn python(level: usize, path: &[&str]) -> ModuleRef {
    ModuleRef::Python { level, path: path.iter().map(|s| s.to_string()).collect() }
}

fn binding(analysis_imports: &[ImportBinding], local: &str) -> (ModuleRef, Option<String>) {
    let b = analysis_imports.iter().find(|b| b.local_name == local).unwrap_or_else(|| panic!("no binding {local} in {analysis_imports:?}"));
    (b.module.clone(), b.item.clone())
}

#[test]
fn every_import_form_becomes_a_binding() {
    let src = "\
import os
import a.b
import a.b.c as abc, json
from x.y import z
from x.y import (p as q, r)
from . import m
from ..pkg import f as g
from .sibling import *
from __future__ import annotations
";
    let analysis = analyze(src);
    let imports = &analysis.imports;
    assert_eq!(binding(imports, "os"), (python(0, &["os"]), None));
    assert_eq!(binding(imports, "a"), (python(0, &["a"]), None));
    assert_eq!(binding(imports, "abc"), (python(0, &["a", "b", "c"]), None));
    assert_eq!(binding(imports, "json"), (python(0, &["json"]), None));
    assert_eq!(binding(imports, "z"), (python(0, &["x", "y"]), Some("z".into())));
    assert_eq!(binding(imports, "q"), (python(0, &["x", "y"]), Some("p".into())));
    assert_eq!(binding(imports, "r"), (python(0, &["x", "y"]), Some("r".into())));
    assert_eq!(binding(imports, "m"), (python(1, &[]), Some("m".into())));
    assert_eq!(binding(imports, "g"), (python(2, &["pkg"]), Some("f".into())));
    assert_eq!(binding(imports, "*"), (python(1, &["sibling"]), Some("*".into())));
    assert_eq!(imports.len(), 10, "{imports:?}");
    assert_eq!(&src[imports[0].range.clone()], "import os");
}

#[test]
fn imports_inside_functions_type_checking_and_try_blocks_are_included() {
    let src = "\
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from models import User
try:
    import ujson as json
except ImportError:
    import json

def f():
    import heavy.module
    return heavy.module.run()
";
    let analysis = analyze(src);
    let locals: Vec<&str> = analysis.imports.iter().map(|b| b.local_name.as_str()).collect();
    assert_eq!(locals, ["TYPE_CHECKING", "User", "json", "json", "heavy"]);
    assert!(super::function(&analysis, "f").uses.is_empty(), "a function-local import is a local name");
}

#[test]
fn uses_are_outside_names_as_attribute_chains_without_locals_params_or_builtins() {
    let src = "\
import helpers
import pkg.mod

def f(x, *args, scale: Factor = DEFAULT, **kw):
    total = 0
    for i, item in enumerate(x):
        with open(item) as fh, ctx() as (a, b):
            total += helpers.normalize(fh.read()) * scale
    try:
        pass
    except ValueError as err:
        print(err, a, b)
    y = [v for v in args if (w := v) > LIMIT]
    def inner():
        return helpers.normalize(CONST) + pkg.mod.f(w)
    self_like = self.x if False else None
    lam = lambda q: q + OTHER
    return inner(), y, kw, self_like, lam, len(total), helpers.normalize(0)
";
    let analysis = analyze(src);
    assert_eq!(uses(function(&analysis, "f")), ["Factor", "DEFAULT", "ctx", "helpers.normalize", "LIMIT", "CONST", "pkg.mod.f", "OTHER"]);
    assert_eq!(uses(function(&analysis, "f.inner")), ["helpers.normalize", "CONST", "pkg.mod.f", "w"]);
}

#[test]
fn global_names_are_uses_even_when_assigned() {
    let src = "COUNT = 0\ndef bump():\n    global COUNT\n    COUNT = COUNT + 1\n    local = COUNT\n    return local\n";
    let analysis = analyze(src);
    assert_eq!(uses(function(&analysis, "bump")), ["COUNT"]);
}

#[test]
fn module_names_follow_the_package_layout() {
    let owned = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(module_name(Path::new("pkg/sub/mod.py")), owned(&["pkg", "sub", "mod"]));
    assert_eq!(module_name(Path::new("pkg/__init__.py")), owned(&["pkg"]));
    assert_eq!(module_name(Path::new("./top.py")), owned(&["top"]));
    assert_eq!(module_name(Path::new("__init__.py")), None);
    assert_eq!(module_name(Path::new("pkg/readme.md")), None);
    assert_eq!(module_name(Path::new("../x.py")), None);
}

#[test]
fn relative_imports_resolve_from_modules_and_packages() {
    let abc: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    let ab = &abc[..2];
    let owned = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(resolve_module(&abc, false, &python(0, &["x", "y"])), owned(&["x", "y"]));
    assert_eq!(resolve_module(&abc, false, &python(1, &[])), owned(&["a", "b"]));
    assert_eq!(resolve_module(&abc, false, &python(1, &["d"])), owned(&["a", "b", "d"]));
    assert_eq!(resolve_module(&abc, false, &python(2, &["e"])), owned(&["a", "e"]));
    assert_eq!(resolve_module(ab, true, &python(1, &[])), owned(&["a", "b"]));
    assert_eq!(resolve_module(ab, true, &python(2, &["z"])), owned(&["a", "z"]));
    assert_eq!(resolve_module(&abc, false, &python(4, &["x"])), None);
    assert_eq!(resolve_module(&abc, false, &ModuleRef::Rust { path: vec!["crate".into()] }), None);
}
