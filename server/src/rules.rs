//! The guidance documents and harness templates in `rules/`, embedded in the binary.
//!
//! Documents (`rules/<name>.md`) are written for people and for optimizers (passed as guidance);
//! templates (`rules/templates/<file>`) are the pieces the task setup assembles into `evaluate.py`.

/// A guidance document: name (file stem) and Markdown text.
pub struct Doc {
    pub name: &'static str,
    pub text: &'static str,
}

/// A harness template: name (file stem) and file name, with its text.
pub struct Template {
    pub name: &'static str,
    pub file: &'static str,
    pub text: &'static str,
}

macro_rules! docs {
    ($($name:literal),* $(,)?) => {
        &[$(Doc { name: $name, text: include_str!(concat!("../../rules/", $name, ".md")) }),*]
    };
}

macro_rules! templates {
    ($(($name:literal, $file:literal)),* $(,)?) => {
        &[$(Template { name: $name, file: $file, text: include_str!(concat!("../../rules/templates/", $file)) }),*]
    };
}

/// Every guidance document, in the order they are listed to users.
pub static DOCS: &[Doc] =
    docs!["evaluate", "benchmarking", "numerical-correctness", "ml-evaluation", "gpu-profiling", "eval-llm-judge", "eval-skill", "limitations",];

/// Every harness template.
pub static TEMPLATES: &[Template] = templates![
    ("harness_core", "harness_core.py"),
    ("harness_load", "harness_load.py"),
    ("harness_cache", "harness_cache.py"),
    ("harness_compare", "harness_compare.py"),
    ("speedup", "metric_speedup.py"),
    ("latency_ms", "metric_latency_ms.py"),
    ("peak_memory_mb", "metric_peak_memory_mb.py"),
    ("custom", "metric_custom.py"),
    ("evaluate_sh", "evaluate.sh"),
    ("record_inputs", "record_inputs.py"),
    ("synth_inputs", "synth_inputs.py"),
    ("rust_harness", "rust_harness.rs"),
    ("rust_inputs", "rust_inputs.rs"),
    ("rust_evaluate_sh", "rust_evaluate.sh"),
];

/// One document per rewrite of the local engine's `rules` proposer (`rules/rewrites/<id>.md`).
pub static REWRITES: &[Doc] = docs![
    "rewrites/python-membership-set",
    "rewrites/python-memoize-recursion",
    "rewrites/python-string-join",
    "rewrites/python-pop-front-deque",
    "rewrites/python-hoist-regex",
    "rewrites/python-sorted-min-max",
    "rewrites/python-append-comprehension",
    "rewrites/python-dedup-set",
    "rewrites/python-hash-join",
    "rewrites/python-hoist-invariant",
    "rewrites/python-constant-frozenset",
    "rewrites/python-count-index",
    "rewrites/python-top-k-heap",
    "rewrites/python-insort",
    "rewrites/python-sort-once",
    "rewrites/rust-membership-set",
    "rewrites/rust-vec-with-capacity",
    "rewrites/rust-clone-in-loop",
    "rewrites/rust-hoist-regex",
    "rewrites/rust-dedup-hashset",
    "rewrites/rust-sort-once",
    "rewrites/rust-format-write",
    "rewrites/rust-collect-then-iterate",
];

/// The rewrite document (`rewrites/<id>`) that explains how a flagged pattern is fixed.
pub fn rewrite_for(kind: crate::analysis::ReasonKind, language: crate::analysis::Language) -> Option<&'static str> {
    use crate::analysis::{Language::*, ReasonKind::*};
    Some(match (kind, language) {
        (ListMembershipInLoop, Python) => "rewrites/python-membership-set",
        (UncachedRecursion, Python) => "rewrites/python-memoize-recursion",
        (StringConcatInLoop, Python) => "rewrites/python-string-join",
        (FrontOfListOpInLoop, Python) => "rewrites/python-pop-front-deque",
        (RegexInLoop, Python) => "rewrites/python-hoist-regex",
        (SortForMinMax, Python) => "rewrites/python-sorted-min-max",
        (AppendInLoop, Python) => "rewrites/python-append-comprehension",
        (SortInLoop, Python) => "rewrites/python-sort-once",
        (NestedLoops, Python) => "rewrites/python-hash-join",
        (AllocationInLoop, Rust) => "rewrites/rust-vec-with-capacity",
        (ListMembershipInLoop, Rust) => "rewrites/rust-membership-set",
        (RegexInLoop, Rust) => "rewrites/rust-hoist-regex",
        (SortInLoop, Rust) => "rewrites/rust-sort-once",
        (StringConcatInLoop, Rust) => "rewrites/rust-format-write",
        _ => return None,
    })
}

/// Writes every guidance and rewrite document into `<weco_dir>/rules/`, so that hovers, messages and
/// reports can link to them and the user (or weco, as extra guidance) can read them. Files that
/// already hold the same text are left alone. Called when a task is set up (an explicit action).
pub fn materialize(weco_dir: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
    let dir = weco_dir.join("rules");
    for d in DOCS.iter().chain(REWRITES) {
        let path = dir.join(format!("{}.md", d.name));
        if std::fs::read_to_string(&path).ok().as_deref() == Some(d.text) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        crate::fsio::write_atomic(&path, d.text.as_bytes())?;
    }
    Ok(dir)
}

/// The headings every document has, in this order (the title line is `# <anything>`).
pub const DOC_SECTIONS: &[&str] = &["## When this applies", "## Rules", "## Pitfalls", "## Example"];

/// The guidance document called `name` (`benchmarking`, `evaluate`..., or `rewrites/<id>`).
pub fn doc(name: &str) -> Option<&'static str> {
    DOCS.iter().chain(REWRITES).find(|d| d.name == name).map(|d| d.text)
}

/// The harness template called `name` (`speedup`, `harness_core`...).
pub fn template(name: &str) -> Option<&'static str> {
    TEMPLATES.iter().find(|t| t.name == name).map(|t| t.text)
}

/// Names of all guidance documents.
pub fn doc_names() -> impl Iterator<Item = &'static str> {
    DOCS.iter().map(|d| d.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn rules_dir() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))
    }

    #[test]
    fn task_rules_every_markdown_file_is_registered_as_a_doc() {
        for entry in std::fs::read_dir(rules_dir()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                let stem = path.file_stem().unwrap().to_str().unwrap();
                assert!(doc(stem).is_some(), "rules/{stem}.md is not registered in DOCS");
            }
        }
    }

    #[test]
    fn every_rewrite_document_is_registered_and_materialized_once() {
        for entry in std::fs::read_dir(rules_dir().join("rewrites")).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_str().unwrap();
            assert!(doc(&format!("rewrites/{stem}")).is_some(), "rules/rewrites/{stem}.md is not registered in REWRITES");
        }
        let weco = tempfile::tempdir().unwrap();
        let dir = materialize(weco.path()).unwrap();
        let written = dir.join("rewrites/python-membership-set.md");
        assert_eq!(std::fs::read_to_string(&written).unwrap(), doc("rewrites/python-membership-set").unwrap());
        let modified = std::fs::metadata(&written).unwrap().modified().unwrap();
        materialize(weco.path()).unwrap();
        assert_eq!(std::fs::metadata(&written).unwrap().modified().unwrap(), modified, "unchanged files are not rewritten");
        assert!(dir.join("benchmarking.md").exists());
    }

    #[test]
    fn flagged_patterns_map_to_the_rewrite_that_fixes_them() {
        use crate::analysis::{Language, ReasonKind};
        let mapped = [
            (ReasonKind::ListMembershipInLoop, Language::Python),
            (ReasonKind::NestedLoops, Language::Python),
            (ReasonKind::SortInLoop, Language::Python),
            (ReasonKind::AllocationInLoop, Language::Rust),
        ];
        for (kind, language) in mapped {
            let name = rewrite_for(kind, language).unwrap();
            assert!(doc(name).is_some(), "{name}");
        }
        assert!(rewrite_for(ReasonKind::NestedLoops, Language::Rust).is_none());
    }

    #[test]
    fn task_rules_every_template_file_is_registered() {
        for entry in std::fs::read_dir(rules_dir().join("templates")).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(TEMPLATES.iter().any(|t| t.file == name), "rules/templates/{name} is not registered");
        }
    }

    #[test]
    fn task_rules_docs_have_title_and_fixed_headings_in_order() {
        for d in DOCS {
            assert!(d.text.starts_with("# "), "{} must start with a `# Title`", d.name);
            let mut from = 0;
            for section in DOC_SECTIONS {
                let at = d.text[from..].find(&format!("\n{section}\n")).unwrap_or_else(|| panic!("{} lacks `{section}` (in order)", d.name));
                from += at + 1;
            }
        }
    }

    #[test]
    fn task_rules_lookup_finds_known_names_and_rejects_unknown() {
        assert!(doc("benchmarking").unwrap().contains("interleaved"));
        assert!(template("speedup").unwrap().contains("def evaluate_metric"));
        assert!(doc("nope").is_none() && template("nope").is_none());
        assert_eq!(doc_names().count(), 8);
    }
}
