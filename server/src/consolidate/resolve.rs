//! Name resolution for consolidation: which project definition a name chain in a piece refers to.
//!
//! The project index answers "what does this function depend on"; consolidation also needs
//! "which spelling in this piece names that dependency" (`t.line`, `norm`, `crate::util::distance`)
//! so it can rewrite it. This resolver walks the same import bindings the index uses, but stops at
//! the first segment that names a top-level definition and reports how many segments it consumed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::analysis::index::{ModuleKey, ProjectIndex};
use crate::analysis::{ImportBinding, Language, ModuleRef, SymbolKind, python, rust_lang};

/// A top-level definition: its file and its (unqualified) name.
pub(crate) type Definition = (PathBuf, String);

enum Target {
    Module(ModuleKey),
    Symbol(PathBuf, String),
}

pub(crate) struct Resolver<'a> {
    index: &'a ProjectIndex,
    modules: HashMap<ModuleKey, PathBuf>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(index: &'a ProjectIndex) -> Resolver<'a> {
        let mut modules = HashMap::new();
        let mut paths: Vec<&PathBuf> = index.paths().collect();
        paths.sort();
        for path in paths {
            if let Some(key) = index.module_key(path) {
                modules.entry(key.clone()).or_insert_with(|| path.clone());
            }
        }
        Resolver { index, modules }
    }

    /// Resolves `segments` (a name chain used in `file`) to a top-level definition and the number
    /// of leading segments that spell it (`["t", "line", "x"]` → (`text.py`, `line`), 2).
    pub(crate) fn resolve_chain(&self, file: &Path, segments: &[String]) -> Option<(Definition, usize)> {
        let analysis = self.index.analysis(file)?;
        let key = self.index.module_key(file)?;
        let (first, rest) = segments.split_first()?;
        let rust = analysis.language == Language::Rust;
        let mut target = if rust && matches!(first.as_str(), "crate" | "self" | "super") {
            let ModuleKey::Rust { crate_root, path } = key else { return None };
            let absolute = rust_lang::resolve_module(path, &ModuleRef::Rust { path: vec![first.clone()] })?;
            Target::Module(ModuleKey::Rust { crate_root: crate_root.clone(), path: absolute })
        } else if is_top_level(analysis.symbols.iter().map(|s| (s.qualified_name.as_str(), s.kind)), first) {
            return Some(((file.to_path_buf(), first.clone()), 1));
        } else if let Some(binding) = analysis.imports.iter().rev().find(|b| b.local_name == *first) {
            self.resolve_binding(file, binding, 0)?
        } else if rust && analysis.child_modules.iter().any(|m| m == first) {
            Target::Module(child_key(key, first))
        } else {
            return None;
        };
        let mut consumed = 1;
        loop {
            match target {
                Target::Symbol(path, name) => return Some(((path, name), consumed)),
                Target::Module(module) => {
                    let segment = rest.get(consumed - 1)?;
                    let child = child_key(&module, segment);
                    target = if self.module_exists(&child) {
                        Target::Module(child)
                    } else {
                        let (path, name) = self.find_symbol(&self.module_file(&module)?, segment, 0)?;
                        Target::Symbol(path, name)
                    };
                    consumed += 1;
                }
            }
        }
    }

    /// True when `segments` (as used in `file`) start with a project module or definition: an
    /// import of such a name is project-local and is dropped from the consolidated file.
    pub(crate) fn is_project_module(&self, file: &Path, module: &ModuleRef) -> bool {
        match (self.index.module_key(file), module) {
            (_, ModuleRef::Python { level, .. }) if *level > 0 => true,
            (_, ModuleRef::Python { path, .. }) => {
                let Some(first) = path.first() else { return false };
                self.modules.keys().any(|k| matches!(k, ModuleKey::Python { name, .. } if name.first() == Some(first)))
            }
            (Some(ModuleKey::Rust { crate_root, path: importer }), ModuleRef::Rust { path }) => {
                let Some(first) = path.first() else { return false };
                if matches!(first.as_str(), "crate" | "self" | "super") {
                    return true;
                }
                // 2018-edition paths may start with a child module of the importing module.
                let mut child = importer.clone();
                child.push(first.clone());
                self.modules.contains_key(&ModuleKey::Rust { crate_root: crate_root.clone(), path: child })
            }
            _ => false,
        }
    }

    fn module_exists(&self, key: &ModuleKey) -> bool {
        self.module_file(key).is_some()
            || matches!(key, ModuleKey::Python { name, .. } if self.modules.keys().any(|k| matches!(k, ModuleKey::Python { name: n, .. } if n.len() > name.len() && n.starts_with(name))))
    }

    fn module_file(&self, key: &ModuleKey) -> Option<PathBuf> {
        match key {
            ModuleKey::Python { name, .. } => self
                .modules
                .get(&ModuleKey::Python { name: name.clone(), is_package: true })
                .or_else(|| self.modules.get(&ModuleKey::Python { name: name.clone(), is_package: false }))
                .cloned(),
            ModuleKey::Rust { .. } => self.modules.get(key).cloned(),
        }
    }

    fn resolve_binding(&self, file: &Path, binding: &ImportBinding, hops: usize) -> Option<Target> {
        let module = match (self.index.module_key(file)?, &binding.module) {
            (ModuleKey::Python { name, is_package }, ModuleRef::Python { .. }) => {
                let absolute = python::resolve_module(name, *is_package, &binding.module)?;
                ModuleKey::Python { name: absolute, is_package: false }
            }
            (ModuleKey::Rust { crate_root, path }, ModuleRef::Rust { .. }) => {
                let absolute = rust_lang::resolve_module(path, &binding.module)?;
                ModuleKey::Rust { crate_root: crate_root.clone(), path: absolute }
            }
            _ => return None,
        };
        match &binding.item {
            None => self.module_exists(&module).then_some(Target::Module(module)),
            Some(item) => {
                let child = child_key(&module, item);
                if self.module_exists(&child) {
                    return Some(Target::Module(child));
                }
                let (path, name) = self.find_symbol(&self.module_file(&module)?, item, hops)?;
                Some(Target::Symbol(path, name))
            }
        }
    }

    /// A top-level definition named `name` in `module_file`, following re-exports a few hops.
    fn find_symbol(&self, module_file: &Path, name: &str, hops: usize) -> Option<Definition> {
        let analysis = self.index.analysis(module_file)?;
        if is_top_level(analysis.symbols.iter().map(|s| (s.qualified_name.as_str(), s.kind)), name) {
            return Some((module_file.to_path_buf(), name.to_string()));
        }
        if hops >= 4 {
            return None;
        }
        let binding = analysis.imports.iter().rev().find(|b| b.local_name == name)?;
        match self.resolve_binding(module_file, binding, hops + 1)? {
            Target::Symbol(path, found) => Some((path, found)),
            Target::Module(_) => None,
        }
    }
}

fn is_top_level<'s>(mut symbols: impl Iterator<Item = (&'s str, SymbolKind)>, name: &str) -> bool {
    symbols.any(|(qualified, kind)| qualified == name && kind != SymbolKind::Method)
}

fn child_key(key: &ModuleKey, segment: &str) -> ModuleKey {
    match key {
        ModuleKey::Python { name, .. } => {
            let mut child = name.clone();
            child.push(segment.to_string());
            ModuleKey::Python { name: child, is_package: false }
        }
        ModuleKey::Rust { crate_root, path } => {
            let mut child = path.clone();
            child.push(segment.to_string());
            ModuleKey::Rust { crate_root: crate_root.clone(), path: child }
        }
    }
}
