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
pub static DOCS: &[Doc] = docs![
    "evaluate",
    "benchmarking",
    "numerical-correctness",
    "ml-evaluation",
    "gpu-profiling",
    "eval-llm-judge",
    "eval-skill",
    "limitations",
];

/// Every harness template.
pub static TEMPLATES: &[Template] = templates![
    ("harness_core", "harness_core.py"),
    ("speedup", "metric_speedup.py"),
    ("latency_ms", "metric_latency_ms.py"),
    ("peak_memory_mb", "metric_peak_memory_mb.py"),
    ("custom", "metric_custom.py"),
    ("evaluate_sh", "evaluate.sh"),
    ("record_inputs", "record_inputs.py"),
    ("synth_inputs", "synth_inputs.py"),
];

/// The headings every document has, in this order (the title line is `# <anything>`).
pub const DOC_SECTIONS: &[&str] = &["## When this applies", "## Rules", "## Pitfalls", "## Example"];

/// The guidance document called `name` (`benchmarking`, `evaluate`...).
pub fn doc(name: &str) -> Option<&'static str> {
    DOCS.iter().find(|d| d.name == name).map(|d| d.text)
}

/// The harness template called `name` (`speedup`, `harness_core`...).
pub fn template(name: &str) -> Option<&'static str> {
    TEMPLATES.iter().find(|t| t.name == name).map(|t| t.text)
}

/// Names of all guidance documents.
pub fn doc_names() -> impl Iterator<Item = &'static str> {
    DOCS.iter().map(|d| d.name)
}

/// Names of all templates.
pub fn template_names() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|t| t.name)
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
                let at = d.text[from..]
                    .find(&format!("\n{section}\n"))
                    .unwrap_or_else(|| panic!("{} lacks `{section}` (in order)", d.name));
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
