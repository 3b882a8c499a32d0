//! The project-wide index: which file defines what, and the cross-file dependencies of a function.
//!
//! Pure: the caller (the workspace scanner, the CLI, the document store) feeds analysed files
//! with their module identity; nothing here touches the disk. Only indexed files are
//! project-local, so the standard library and installed packages never resolve.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{FileAnalysis, ImportBinding, Language, ModuleRef, SymbolKind, python, rust_lang};

/// How a file is addressed by imports.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ModuleKey {
    /// Dotted module name; `is_package` for `__init__.py`.
    Python { name: Vec<String>, is_package: bool },
    /// Module path starting with `crate`, within the crate rooted at `crate_root` (the folder of Cargo.toml).
    Rust { crate_root: PathBuf, path: Vec<String> },
}

impl ModuleKey {
    /// The module identity of `path`: for Python relative to the deepest of `python_roots`
    /// containing it; for Rust relative to `crate_root/src`.
    pub fn for_path(path: &Path, python_roots: &[PathBuf], crate_root: Option<&Path>) -> Option<ModuleKey> {
        match Language::from_path(path)? {
            Language::Python => {
                let root = python_roots.iter().filter(|r| path.starts_with(r)).max_by_key(|r| r.components().count())?;
                let relative = path.strip_prefix(root).ok()?;
                let name = python::module_name(relative)?;
                let is_package = path.file_stem().is_some_and(|s| s == "__init__");
                Some(ModuleKey::Python { name, is_package })
            }
            Language::Rust => {
                let crate_root = crate_root?;
                let relative = path.strip_prefix(crate_root.join("src")).ok()?;
                let module = rust_lang::module_path(relative)?;
                Some(ModuleKey::Rust { crate_root: crate_root.to_path_buf(), path: module })
            }
        }
    }
}

/// A project-local definition a function depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Dependency {
    pub file: PathBuf,
    /// Qualified name within its file (`helper`, `Class.method`, `Type::method`).
    pub symbol: String,
    /// 1 for direct uses, 2 for what those use, and so on.
    pub depth: usize,
}

#[derive(Debug, Clone)]
struct IndexedFile {
    analysis: Arc<FileAnalysis>,
    module: Option<ModuleKey>,
}

/// Default bound on how far dependencies are followed.
pub const DEFAULT_DEPTH: usize = 3;

#[derive(Debug, Default, Clone)]
pub struct ProjectIndex {
    files: HashMap<PathBuf, IndexedFile>,
    modules: HashMap<ModuleKey, PathBuf>,
}

enum Target {
    Module(PathBuf),
    Symbol(PathBuf, String),
}

impl ProjectIndex {
    pub fn insert(&mut self, path: PathBuf, analysis: Arc<FileAnalysis>, module: Option<ModuleKey>) {
        self.remove(&path);
        if let Some(key) = &module {
            self.modules.insert(key.clone(), path.clone());
        }
        self.files.insert(path, IndexedFile { analysis, module });
    }

    pub fn remove(&mut self, path: &Path) {
        if let Some(old) = self.files.remove(path)
            && let Some(key) = old.module
            && self.modules.get(&key).is_some_and(|p| p == path)
        {
            self.modules.remove(&key);
        }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn analysis(&self, path: &Path) -> Option<&Arc<FileAnalysis>> {
        self.files.get(path).map(|f| &f.analysis)
    }

    pub fn module_key(&self, path: &Path) -> Option<&ModuleKey> {
        self.files.get(path).and_then(|f| f.module.as_ref())
    }

    pub fn paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.files.keys()
    }

    /// The project-local functions, classes and constants `function` (qualified) in `file` uses,
    /// followed transitively up to `max_depth`, sorted by depth, then file and name. The function
    /// itself is not included; other definitions of the same file are.
    pub fn dependencies(&self, file: &Path, function: &str, max_depth: usize) -> Vec<Dependency> {
        let mut seen: HashSet<(PathBuf, String)> = HashSet::new();
        seen.insert((file.to_path_buf(), function.to_string()));
        let mut queue = VecDeque::from([(file.to_path_buf(), function.to_string(), 0usize)]);
        let mut out = Vec::new();
        while let Some((path, symbol, depth)) = queue.pop_front() {
            if depth >= max_depth {
                continue;
            }
            for (dep_path, dep_symbol) in self.direct_uses(&path, &symbol) {
                if seen.insert((dep_path.clone(), dep_symbol.clone())) {
                    out.push(Dependency { file: dep_path.clone(), symbol: dep_symbol.clone(), depth: depth + 1 });
                    queue.push_back((dep_path, dep_symbol, depth + 1));
                }
            }
        }
        out.sort();
        out.sort_by_key(|d| d.depth);
        out
    }

    /// What one definition uses directly: for a function its body's names; for a class the
    /// names used by its methods (a class is needed whole).
    fn direct_uses(&self, path: &Path, symbol: &str) -> Vec<(PathBuf, String)> {
        let Some(file) = self.files.get(path) else { return Vec::new() };
        let separator = separator(file.analysis.language);
        let class_prefix = format!("{symbol}{separator}");
        let mut out = Vec::new();
        for function in &file.analysis.functions {
            let is_target = function.qualified_name == symbol;
            let is_method_of_class = function.qualified_name.starts_with(&class_prefix)
                && file.analysis.symbols.iter().any(|s| s.qualified_name == symbol && s.kind == SymbolKind::Class);
            if !(is_target || is_method_of_class) {
                continue;
            }
            for name_use in &function.uses {
                let targets = match name_use.path.as_slice() {
                    [receiver, member] if file.analysis.language == Language::Python && matches!(receiver.as_str(), "self" | "cls") => {
                        let class = function.qualified_name.rsplit_once('.').map_or("", |(class, _)| class);
                        self.class_member(path, class, member, 0)
                    }
                    _ => self.resolve_use(path, &name_use.path),
                };
                for target in targets {
                    if target.0 == path && (target.1 == symbol || target.1.starts_with(&class_prefix)) {
                        continue;
                    }
                    out.push(target);
                }
            }
        }
        out
    }

    /// `self.member` in a method of `class` (in `path`): the method of that class, else of the first project-local base
    /// that defines it (with that base class, which the method needs). Attributes that are not methods resolve to
    /// nothing.
    fn class_member(&self, path: &Path, class: &str, member: &str, depth: usize) -> Vec<(PathBuf, String)> {
        const MAX_BASE_DEPTH: usize = 8;
        let Some(file) = self.files.get(path) else { return Vec::new() };
        let qualified = format!("{class}.{member}");
        if file.analysis.symbols.iter().any(|s| s.qualified_name == qualified) {
            return vec![(path.to_path_buf(), qualified)];
        }
        if depth >= MAX_BASE_DEPTH {
            return Vec::new();
        }
        let Some(symbol) = file.analysis.symbols.iter().find(|s| s.qualified_name == class && s.kind == SymbolKind::Class) else { return Vec::new() };
        for base in &symbol.bases {
            let segments: Vec<String> = base.split('.').map(str::to_string).collect();
            let mut passed = Vec::new();
            let Some(Target::Symbol(base_file, base_class)) = self.resolve_chain(path, &segments, &mut passed) else { continue };
            let found = self.class_member(&base_file, &base_class, member, depth + 1);
            if !found.is_empty() {
                let mut out = vec![(base_file, base_class)];
                out.extend(found);
                return out;
            }
        }
        Vec::new()
    }

    /// Resolves a used name path (`["helpers", "normalize"]`) seen from `path` to the definitions
    /// it needs: the deepest one named, and the class of a method (`Point::new` needs `Point`).
    fn resolve_use(&self, path: &Path, segments: &[String]) -> Vec<(PathBuf, String)> {
        let mut found = Vec::new();
        let Some(target) = self.resolve_chain(path, segments, &mut found) else { return found };
        if let Target::Symbol(p, s) = target {
            found.push((p, s));
        }
        found
    }

    fn resolve_chain(&self, path: &Path, segments: &[String], classes: &mut Vec<(PathBuf, String)>) -> Option<Target> {
        let file = self.files.get(path)?;
        let (first, rest) = segments.split_first()?;
        let analysis = &file.analysis;
        let rust_anchor = matches!(first.as_str(), "crate" | "self" | "super") && analysis.language == Language::Rust;
        let start = if rust_anchor {
            let module = ModuleRef::Rust { path: vec![first.clone()] };
            Target::Module(self.resolve_module_ref(path, &module)?)
        } else if analysis.symbols.iter().any(|s| s.qualified_name == *first) {
            Target::Symbol(path.to_path_buf(), first.clone())
        } else if let Some(binding) = analysis.imports.iter().rev().find(|b| b.local_name == *first) {
            self.resolve_binding(path, binding, 0)?
        } else if analysis.child_modules.iter().any(|m| m == first) {
            Target::Module(self.child_module(path, first)?)
        } else if let Some((p, s)) = self.find_through_star(path, first, 0) {
            Target::Symbol(p, s)
        } else {
            return None;
        };
        Some(self.walk(start, rest, classes))
    }

    /// Follows attribute / path segments from a module or class to the deepest definition they
    /// name; classes passed through on the way to a method are collected.
    fn walk(&self, mut target: Target, rest: &[String], classes: &mut Vec<(PathBuf, String)>) -> Target {
        for segment in rest {
            target = match target {
                Target::Module(module_path) => {
                    if let Some(child) = self.child_module(&module_path, segment) {
                        Target::Module(child)
                    } else if let Some(found) = self.find_symbol(&module_path, segment, 0) {
                        Target::Symbol(found.0, found.1)
                    } else {
                        return Target::Module(module_path);
                    }
                }
                Target::Symbol(file, symbol) => {
                    let language = self.files.get(&file).map(|f| f.analysis.language);
                    let qualified = format!("{symbol}{}{segment}", separator(language.unwrap_or(Language::Python)));
                    if let Some(found) = self.find_method(&file, &symbol, &qualified) {
                        classes.push((file, symbol));
                        Target::Symbol(found, qualified)
                    } else {
                        return Target::Symbol(file, symbol);
                    }
                }
            };
        }
        target
    }

    /// `Class.method` in the class's file; for Rust, an `impl` may live in another file of the crate.
    fn find_method(&self, file: &Path, _class: &str, qualified: &str) -> Option<PathBuf> {
        let defined_in = |p: &Path| self.files.get(p).is_some_and(|f| f.analysis.symbols.iter().any(|s| s.qualified_name == qualified));
        if defined_in(file) {
            return Some(file.to_path_buf());
        }
        let Some(ModuleKey::Rust { crate_root, .. }) = self.module_key(file) else { return None };
        let mut candidates: Vec<&PathBuf> = self
            .files
            .iter()
            .filter(|(p, f)| matches!(&f.module, Some(ModuleKey::Rust { crate_root: r, .. }) if r == crate_root) && defined_in(p))
            .map(|(p, _)| p)
            .collect();
        candidates.sort();
        candidates.first().map(|p| (*p).clone())
    }

    /// A definition named `name` in module file `module_path`, following re-exports
    /// (`from .impl import name` in a package `__init__.py`, `pub use` in Rust) a few hops.
    fn find_symbol(&self, module_path: &Path, name: &str, hops: usize) -> Option<(PathBuf, String)> {
        let file = self.files.get(module_path)?;
        if file.analysis.symbols.iter().any(|s| s.qualified_name == name) {
            return Some((module_path.to_path_buf(), name.to_string()));
        }
        if hops >= 4 {
            return None;
        }
        if let Some(binding) = file.analysis.imports.iter().find(|b| b.local_name == name) {
            return match self.resolve_binding(module_path, binding, hops + 1)? {
                Target::Symbol(p, s) => Some((p, s)),
                Target::Module(_) => None,
            };
        }
        self.find_through_star(module_path, name, hops)
    }

    /// `from .x import *` re-exports the public names of `x` (a package's `__init__.py` that gathers its modules):
    /// the first star-imported module that defines `name`. `__all__` is not read: a public name left out of it still
    /// resolves, which can only add a dependency.
    fn find_through_star(&self, module_path: &Path, name: &str, hops: usize) -> Option<(PathBuf, String)> {
        if name.starts_with('_') || hops >= 4 {
            return None;
        }
        let file = self.files.get(module_path)?;
        file.analysis.imports.iter().filter(|b| b.local_name == "*").find_map(|binding| {
            let module = self.resolve_module_ref(module_path, &binding.module)?;
            self.find_symbol(&module, name, hops + 1)
        })
    }

    fn resolve_binding(&self, path: &Path, binding: &ImportBinding, hops: usize) -> Option<Target> {
        let module = self.resolve_module_ref(path, &binding.module)?;
        match &binding.item {
            None => Some(Target::Module(module)),
            Some(item) => {
                if let Some(child) = self.child_module(&module, item) {
                    return Some(Target::Module(child));
                }
                let (p, s) = self.find_symbol(&module, item, hops)?;
                Some(Target::Symbol(p, s))
            }
        }
    }

    /// The file of the module an import refers to, seen from `path`.
    fn resolve_module_ref(&self, path: &Path, module: &ModuleRef) -> Option<PathBuf> {
        let key = match (self.module_key(path)?, module) {
            (ModuleKey::Python { name, is_package }, ModuleRef::Python { .. }) => {
                let absolute = python::resolve_module(name, *is_package, module)?;
                return self.python_module(&absolute);
            }
            (ModuleKey::Rust { crate_root, path: importer }, ModuleRef::Rust { .. }) => {
                let absolute = rust_lang::resolve_module(importer, module)?;
                ModuleKey::Rust { crate_root: crate_root.clone(), path: absolute }
            }
            _ => return None,
        };
        self.modules.get(&key).cloned()
    }

    fn python_module(&self, name: &[String]) -> Option<PathBuf> {
        let name = name.to_vec();
        self.modules
            .get(&ModuleKey::Python { name: name.clone(), is_package: true })
            .or_else(|| self.modules.get(&ModuleKey::Python { name, is_package: false }))
            .cloned()
    }

    /// The submodule `segment` of the module in file `module_path`, if it is a file of its own.
    fn child_module(&self, module_path: &Path, segment: &str) -> Option<PathBuf> {
        match self.module_key(module_path)? {
            ModuleKey::Python { name, .. } => {
                let mut child = name.clone();
                child.push(segment.to_string());
                self.python_module(&child)
            }
            ModuleKey::Rust { crate_root, path } => {
                let mut child = path.clone();
                child.push(segment.to_string());
                self.modules.get(&ModuleKey::Rust { crate_root: crate_root.clone(), path: child }).cloned()
            }
        }
    }
}

fn separator(language: Language) -> &'static str {
    match language {
        Language::Python => ".",
        Language::Rust => "::",
    }
}

#[cfg(test)]
mod tests;
