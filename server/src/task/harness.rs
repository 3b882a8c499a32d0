//! Assembles `evaluate.py` (configuration, inputs, harness core, metric) and `evaluate.sh` from the templates.

use std::path::Path;

use crate::rules;

/// Settings baked into `evaluate.py` as JSON.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HarnessConfig {
    pub function: String,
    pub module: String,
    /// The original module's package (`__package__` of the loaded copies); empty for top-level modules.
    pub package: String,
    /// The user's file: when it still holds the baseline's text, the harness imports the real module
    /// once instead of loading copies (see `harness_load.py`).
    pub original_path: String,
    /// Folder that makes `module` importable.
    pub import_root: String,
    pub project_root: String,
    /// `optimize.py` (next to evaluate.py), or the user's file by absolute path for in-place tasks.
    pub candidate_path: String,
    pub metric: String,
    /// The template name of the metric: speedup, latency_ms, peak_memory_mb, custom.
    pub metric_kind: String,
    pub inputs: String,
    pub inputs_include_self: bool,
    pub needs_inputs: bool,
    pub scorer: Option<String>,
    pub target_seconds: f64,
}

/// The whole `evaluate.py`.
pub fn evaluate_py(config: &HarnessConfig, inputs_section: &str) -> String {
    // The configuration as a JSON string literal, which is also a valid Python string literal: a path
    // with quotes, `'''` or backslashes cannot end it early.
    let json = serde_json::to_string(&serde_json::to_string_pretty(config).unwrap_or_else(|_| "{}".into())).unwrap_or_default();
    let metric = rules::template(&config.metric_kind).or_else(|| rules::template("speedup")).unwrap_or_default();
    format!(
        "\"\"\"Evaluation of {function} for weco-lsp: correctness against baseline.py, then `{metric_name}`.\n\
         Generated from weco-lsp's templates; run it with `bash evaluate.sh`. It prints exactly one\n\
         `{metric_name}: value` line, last. The code under test never runs the timer or the comparison.\n\"\"\"\n\
         import json\n\n\
         CONFIG = json.loads({json})\n\n\
         {inputs_section}\n\n\
         {load}\n\n\
         {cache}\n\n\
         {compare}\n\n\
         {core}\n\n\
         {metric}\n\n\
         if __name__ == \"__main__\":\n    main()\n",
        function = config.function,
        metric_name = config.metric,
        load = rules::template("harness_load").unwrap_or_default(),
        cache = rules::template("harness_cache").unwrap_or_default(),
        compare = rules::template("harness_compare").unwrap_or_default(),
        core = rules::template("harness_core").unwrap_or_default(),
    )
}

/// The configuration baked into an `evaluate.py` (this version's string literal, or the raw
/// `r'''…'''` block of earlier ones), to recognise a harness for reuse.
pub fn config_of(evaluate_py: &str) -> Option<serde_json::Value> {
    let rest = evaluate_py.split_once("CONFIG = json.loads(")?.1;
    if let Some(raw) = rest.strip_prefix("r'''") {
        return serde_json::from_str(raw.split_once("'''")?.0).ok();
    }
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<String>();
    serde_json::from_str(&stream.next()?.ok()?).ok()
}

/// The whole `evaluate.sh`, running `interpreter` by absolute path.
pub fn evaluate_sh(interpreter: &Path) -> String {
    rules::template("evaluate_sh").unwrap_or_default().replace("__INTERPRETER__", &single_quoted(&interpreter.display().to_string()))
}

/// `text` as one shell word that expands to nothing: single quotes, with `'` written as `'\''`
/// (backticks, `$()`, double quotes, spaces and newlines stay literal).
pub fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}
