//! Settings: the single source of truth for every `weco.*` option, its type, default and description.
//!
//! `SETTINGS` describes them for editors (`editors/settings.json` is generated from it and a
//! test keeps the VS Code `package.json` in step); `Settings` is the typed value the server uses.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    #[default]
    Auto,
    Weco,
    Local,
}

/// The default metric of new tasks (`weco.metric`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    #[default]
    Speedup,
    LatencyMs,
    PeakMemoryMb,
}

impl Metric {
    pub const ALL: [Metric; 3] = [Metric::Speedup, Metric::LatencyMs, Metric::PeakMemoryMb];

    /// The name the harness prints (`speedup: 2.1`) and the setting spells.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Speedup => "speedup",
            Metric::LatencyMs => "latency_ms",
            Metric::PeakMemoryMb => "peak_memory_mb",
        }
    }

    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LlmSettings {
    pub base_url: Option<String>,
    pub model: Option<String>,
    /// The NAME of the environment variable holding the key; the key itself never travels.
    pub api_key_env: String,
}

impl Default for LlmSettings {
    fn default() -> Self {
        LlmSettings { base_url: None, model: None, api_key_env: "OPENAI_API_KEY".into() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub backend: Backend,
    pub steps: u32,
    pub model: Option<String>,
    pub additional_instructions: Option<String>,
    pub eval_timeout: u64,
    pub metric: Metric,
    pub llm: LlmSettings,
    pub sandbox: SandboxMode,
    pub mode: ModeSetting,
}

/// Whether each optimization asks for the mode (`weco.mode`), as the workflow's first rule says, or always uses one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModeSetting {
    /// Ask at every optimization, the last choice first.
    #[default]
    Ask,
    /// Vibe mode without asking.
    Vibe,
    /// Assistant Scientist mode without asking.
    Scientist,
}

/// Where user code runs (`weco.sandbox`): see `sandbox`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[repr(u8)]
pub enum SandboxMode {
    /// A sandbox without network when the machine has one; else unsandboxed, and said so.
    #[default]
    Auto = 0,
    /// The sandbox, with the network (for evaluations that call a local service).
    Network = 1,
    /// No sandbox.
    Off = 2,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            backend: Backend::Auto,
            steps: 20,
            model: None,
            additional_instructions: None,
            eval_timeout: 300,
            metric: Metric::Speedup,
            llm: LlmSettings::default(),
            sandbox: SandboxMode::Auto,
            mode: ModeSetting::Ask,
        }
    }
}

/// One setting as editors see it.
pub struct SettingSpec {
    /// Dotted key after `weco.` (`llm.baseUrl`).
    pub key: &'static str,
    /// JSON schema fragment: type, enum, default.
    pub schema: fn() -> Value,
    pub description: &'static str,
    /// Read by the editor only (the server never sees it).
    pub editor_only: bool,
}

pub const SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        key: "backend",
        schema: || json!({"type": "string", "enum": ["auto", "weco", "local"], "default": "auto"}),
        description: "Which optimizer runs: the weco CLI when installed and logged in (auto), always weco, or the local engine.",
        editor_only: false,
    },
    SettingSpec {
        key: "steps",
        schema: || json!({"type": "integer", "minimum": 1, "default": 20}),
        description: "Optimization steps after the baseline.",
        editor_only: false,
    },
    SettingSpec {
        key: "model",
        schema: || json!({"type": ["string", "null"], "default": null}),
        description: "Model used by weco (--model).",
        editor_only: false,
    },
    SettingSpec {
        key: "additionalInstructions",
        schema: || json!({"type": ["string", "null"], "default": null}),
        description: "Extra guidance passed to the optimizer.",
        editor_only: false,
    },
    SettingSpec {
        key: "evalTimeout",
        schema: || json!({"type": "integer", "minimum": 1, "default": 300}),
        description: "Time limit for one evaluation, in seconds.",
        editor_only: false,
    },
    SettingSpec {
        key: "metric",
        schema: || json!({"type": "string", "enum": ["speedup", "latency_ms", "peak_memory_mb"], "default": "speedup"}),
        description: "Default metric for new optimization tasks.",
        editor_only: false,
    },
    SettingSpec {
        key: "sandbox",
        schema: || json!({"type": "string", "enum": ["auto", "network", "off"], "default": "auto"}),
        description: "Where evaluations run: auto, a sandbox where your project and the machine are read-only and there is no network (when Linux user namespaces allow it; otherwise you are told); network, the same sandbox with network; off, no sandbox.",
        editor_only: false,
    },
    SettingSpec {
        key: "mode",
        schema: || json!({"type": "string", "enum": ["ask", "vibe", "scientist"], "default": "ask"}),
        description: "How weco works on a function: ask at every optimization (the last choice offered first), or always Vibe (few questions, straight to results) or Assistant Scientist (an interview, a validation run, deeper explanations).",
        editor_only: false,
    },
    SettingSpec {
        key: "llm.baseUrl",
        schema: || json!({"type": ["string", "null"], "default": null}),
        description: "OpenAI-compatible endpoint for the local engine's LLM proposer (Ollama, llama.cpp, vLLM...).",
        editor_only: false,
    },
    SettingSpec {
        key: "llm.model",
        schema: || json!({"type": ["string", "null"], "default": null}),
        description: "Model name for the local engine's LLM proposer.",
        editor_only: false,
    },
    SettingSpec {
        key: "llm.apiKeyEnv",
        schema: || json!({"type": "string", "default": "OPENAI_API_KEY"}),
        description: "Name of the environment variable holding the LLM key (the key itself is never stored).",
        editor_only: false,
    },
    SettingSpec {
        key: "server.path",
        schema: || json!({"type": ["string", "null"], "default": null}),
        description: "Path of the weco-lsp binary (editor setting).",
        editor_only: true,
    },
];

impl Settings {
    /// Reads settings from `initializationOptions` or a `didChangeConfiguration` payload; accepts
    /// `{weco: {...}}`, `{settings: {weco: {...}}}` or the bare object. Unknown keys are ignored
    /// and a malformed value falls back to the defaults rather than failing the session.
    pub fn from_json(value: &Value) -> Result<Settings, String> {
        let mut object = value;
        if let Some(inner) = object.get("settings") {
            object = inner;
        }
        if let Some(inner) = object.get("weco") {
            object = inner;
        }
        if object.is_null() {
            return Ok(Settings::default());
        }
        let mut expanded = object.clone();
        expand_dotted_keys(&mut expanded);
        serde_json::from_value(expanded).map_err(|e| format!("invalid weco settings: {e}"))
    }
}

/// `{"llm.baseUrl": x}` becomes `{"llm": {"baseUrl": x}}` (VS Code sends dotted keys flat in some paths).
fn expand_dotted_keys(value: &mut Value) {
    let Some(object) = value.as_object_mut() else { return };
    let dotted: Vec<String> = object.keys().filter(|k| k.contains('.')).cloned().collect();
    for key in dotted {
        if let Some(v) = object.remove(&key) {
            let parts: Vec<&str> = key.split('.').collect();
            insert_path(object, &parts, v);
        }
    }
}

fn insert_path(object: &mut serde_json::Map<String, Value>, parts: &[&str], value: Value) {
    match parts {
        [] => {}
        [last] => {
            object.insert((*last).to_string(), value);
        }
        [head, rest @ ..] => {
            let entry = object.entry((*head).to_string()).or_insert_with(|| json!({}));
            if !entry.is_object() {
                *entry = json!({});
            }
            if let Some(inner) = entry.as_object_mut() {
                insert_path(inner, rest, value);
            }
        }
    }
}

/// The machine-readable list editors are generated from and checked against (`editors/settings.json`).
pub fn settings_manifest() -> Value {
    let items: Vec<Value> = SETTINGS
        .iter()
        .map(|s| {
            let mut schema = (s.schema)();
            let object = schema.as_object_mut().expect("setting schemas are objects");
            object.insert("key".into(), json!(format!("weco.{}", s.key)));
            object.insert("description".into(), json!(s.description));
            object.insert("editorOnly".into(), json!(s.editor_only));
            schema
        })
        .collect();
    Value::Array(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_defaults() {
        let from_manifest: Value =
            SETTINGS.iter().filter(|s| !s.editor_only).map(|s| (s.key.to_string(), (s.schema)()["default"].clone())).fold(json!({}), |mut acc, (k, v)| {
                acc.as_object_mut().unwrap().insert(k, v);
                acc
            });
        assert_eq!(Settings::from_json(&from_manifest).unwrap(), Settings::default());
    }

    #[test]
    fn nested_and_dotted_payloads_are_read() {
        let nested = json!({"settings": {"weco": {"backend": "local", "steps": 3, "llm": {"baseUrl": "http://127.0.0.1:1"}}}});
        let parsed = Settings::from_json(&nested).unwrap();
        assert_eq!((parsed.backend, parsed.steps), (Backend::Local, 3));
        assert_eq!(parsed.llm.base_url.as_deref(), Some("http://127.0.0.1:1"));
        let dotted = json!({"weco": {"llm.model": "qwen", "evalTimeout": 9}});
        let parsed = Settings::from_json(&dotted).unwrap();
        assert_eq!((parsed.llm.model.as_deref(), parsed.eval_timeout), (Some("qwen"), 9));
    }

    #[test]
    fn a_malformed_value_is_an_error_not_a_panic() {
        assert!(Settings::from_json(&json!({"steps": "many"})).is_err());
    }

    #[test]
    fn editors_settings_manifest_is_generated_from_this_module() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../editors/settings.json");
        let expected = serde_json::to_string_pretty(&settings_manifest()).unwrap() + "\n";
        if std::env::var_os("WECO_UPDATE_GENERATED").is_some() {
            std::fs::write(path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(path).unwrap_or_default();
        assert!(actual == expected, "editors/settings.json is stale: run `WECO_UPDATE_GENERATED=1 cargo test -p weco-lsp config`");
    }
}
