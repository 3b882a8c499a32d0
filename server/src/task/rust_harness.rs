//! The cargo harness of Rust tasks: `.weco/<task>/` holds `baseline.rs`, `optimize.rs`, a small cargo project
//! (`Cargo.toml`, `src/main.rs` from the `rust_harness` template, `src/inputs.rs` with the inputs and the call)
//! and `evaluate.sh`, which builds baseline and candidate side by side in release into a target folder shared
//! by every evaluation of the task (so rebuilds stay incremental) and runs the comparison.

use std::path::{Path, PathBuf};

use super::rust_types::{self, RustSignature, Ty};
use super::{InputOrigin, Interpreter, MetricKind, PackageManager, Placement, PreparedTask, TaskError, TaskRequest, io, layout};
use crate::rules;

/// The harness crate's package (and binary) name, as `evaluate.sh` runs it.
const PACKAGE: &str = "weco_harness";

/// Sets up a Rust task. Isolated placement only: the harness compiles copies of the file.
pub fn prepare(req: &TaskRequest) -> Result<PreparedTask, TaskError> {
    if req.placement == Placement::InPlace {
        return Err(TaskError::Unsupported(
            "Rust functions are optimized in a copy (isolated placement); in-place optimization is not supported for Rust".into(),
        ));
    }
    let metric_kind = match req.metric {
        MetricKind::Speedup => "speedup",
        MetricKind::LatencyMs => "latency_ms",
        _ => {
            return Err(TaskError::Unsupported(
                "Rust tasks measure `speedup` or `latency_ms`; peak memory and custom metrics need a hand-written harness".into(),
            ));
        }
    };
    if !req.source_path.is_absolute() || !req.source_path.is_file() {
        return Err(TaskError::InvalidRequest(format!("{} is not a file", req.source_path.display())));
    }
    let original = req.source_text.clone();
    if rust_types::find_signature(&original, &req.function).is_none() {
        return Err(TaskError::FunctionNotFound { function: req.function.clone(), file: req.source_path.clone() });
    }
    // A file that uses other modules of its crate cannot compile alone: optimize its consolidation instead.
    let (optimized_path, source) = if is_standalone(&original) {
        (req.source_path.clone(), original)
    } else {
        let path = crate::consolidate::write_consolidated(&req.workspace_root, &req.source_path, &req.function)
            .map_err(|e| TaskError::Io(format!("consolidating `{}` into one file: {e}", req.function)))?;
        let text = std::fs::read_to_string(&path).map_err(io("reading the consolidated file"))?;
        (path, text)
    };
    let signature = rust_types::find_signature(&source, &req.function)
        .ok_or_else(|| TaskError::FunctionNotFound { function: req.function.clone(), file: optimized_path.clone() })?;

    let (name, harness_dir) = layout::claim_task_folder(&req.workspace_root, &req.function).map_err(io("creating the task folder"))?;
    std::fs::create_dir_all(harness_dir.join("src")).map_err(io("creating the task folder"))?;
    let result = fill(req, &source, &signature, metric_kind, &name, &harness_dir, &optimized_path);
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&harness_dir);
    }
    result
}

/// True when the file names nothing of its crate outside itself (`crate::`, `super::`, `mod x;`).
pub fn is_standalone(source: &str) -> bool {
    let code: String = source.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    let declares_file_module = code.lines().any(|l| {
        let l = l.trim();
        let l = l.strip_prefix("pub ").or_else(|| l.strip_prefix("pub(crate) ")).unwrap_or(l);
        l.starts_with("mod ") && l.ends_with(';')
    });
    !declares_file_module && !code.contains("crate::") && !code.contains("super::")
}

#[allow(clippy::too_many_arguments)]
fn fill(
    req: &TaskRequest,
    source: &str,
    signature: &RustSignature,
    metric_kind: &str,
    name: &str,
    harness_dir: &Path,
    optimized_path: &Path,
) -> Result<PreparedTask, TaskError> {
    let (metric, goal, _) = req.metric.describe();
    let write =
        |file: &str, text: &str| crate::fsio::write_atomic(&harness_dir.join(file), text.as_bytes()).map_err(|e| TaskError::Io(format!("writing {file}: {e}")));
    write("baseline.rs", source)?;
    write("optimize.rs", source)?;
    let manifest = find_manifest(&req.source_path);
    write("Cargo.toml", &cargo_toml(manifest.as_deref()))?;
    if let Some(lock) = manifest.as_deref().and_then(find_lock) {
        // the project's resolution: the same versions, and no registry query when they are cached
        let _ = std::fs::copy(lock, harness_dir.join("Cargo.lock"));
    }
    let inputs = inputs_rs(signature, &req.function);
    write("src/inputs.rs", &inputs.text)?;
    let main = rules::template("rust_harness")
        .unwrap_or_default()
        .replace("__FUNCTION__", &req.function)
        .replace("__METRIC_KIND__", metric_kind)
        .replace("__METRIC__", &metric)
        .replace("__INPUTS__", inputs.origin.id())
        .replace("__TARGET_SECONDS__", "1.0");
    write("src/main.rs", &main)?;
    let target_dir = harness_dir.join("target");
    let on_violation = if metric_kind == "speedup" { format!("echo \"{metric}: 0\"") } else { "exit 3".into() };
    let evaluate_sh = rules::template("rust_evaluate_sh")
        .unwrap_or_default()
        .replace("__TARGET_DIR__", &shell_quoted(&target_dir))
        .replace("__ON_VIOLATION__", &on_violation)
        .replace("__METRIC__", &metric);
    write("evaluate.sh", &evaluate_sh)?;
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(harness_dir.join("evaluate.sh"), std::fs::Permissions::from_mode(0o755));
    }
    Ok(PreparedTask {
        name: name.to_string(),
        dir: harness_dir.to_path_buf(),
        source_file: PathBuf::from("optimize.rs"),
        original_path: optimized_path.to_path_buf(),
        eval_command: "bash evaluate.sh".into(),
        metric,
        goal,
        inputs: inputs.origin,
        // Rust tasks run no Python: the interpreter is recorded only because every task carries one.
        interpreter: Interpreter { path: PathBuf::from("cargo"), manager: PackageManager::Pip, source: "cargo" },
        placement: Placement::Isolated,
        function: req.function.clone(),
        harness_dir: harness_dir.to_path_buf(),
        // the file the user edits when the inputs are manual
        evaluate_py: harness_dir.join("src/inputs.rs"),
        backup: None,
        recorded_calls: None,
    })
}

/// A path inside double quotes for bash.
fn shell_quoted(path: &Path) -> String {
    path.display().to_string().replace('\\', "\\\\").replace('"', "\\\"").replace('$', "\\$").replace('`', "\\`")
}

/// The generated `src/inputs.rs` and where its inputs come from.
pub struct InputsFile {
    pub text: String,
    pub origin: InputOrigin,
}

/// `src/inputs.rs`: the `Input` tuple, `make_inputs()` (synthesized, or a stub to fill in), the call and the
/// comparable forms of results and arguments.
pub fn inputs_rs(signature: &RustSignature, function: &str) -> InputsFile {
    let params: Vec<Ty> = signature.params.iter().map(|p| rust_types::parse_type(p)).collect();
    let output = rust_types::parse_type(&signature.output);
    let borrowed_output = signature.output.contains('&') || signature.output.contains('\'') || signature.output.contains("impl ");
    let fill_in = |what: &str| format!("WECO: FILL IN — {what}");
    let template = rules::template("rust_inputs").unwrap_or_default().replace("__FUNCTION__", function);
    if !signature.callable || borrowed_output {
        let why = if borrowed_output { "its result borrows from its arguments or is an `impl Trait`" } else { "it is a method or generic" };
        let text = template
            .replace("__INPUT_TYPE__", "()")
            .replace(
                "__INPUTS_ORIGIN__",
                &fill_in(&format!("the harness cannot call `{function}` by itself because {why}: define `Input`, build the calls here, and write `call`")),
            )
            .replace("__MAKE_INPUTS__", &format!("        // {}\n        Vec::new()", fill_in("return one `Input` per representative call")))
            .replace("__OUTPUT_TYPE__", "()")
            .replace("__CALL__", &format!("// {}", fill_in(&format!("call `super::{function}(...)` with the parts of `input` and return its result"))))
            .replace("__OUTPUT_VALUE__", "crate::Value::Unit")
            .replace("__INPUT_VALUE__", "crate::Value::Unit");
        return InputsFile { text, origin: InputOrigin::Manual };
    }
    let owned: Vec<Option<Ty>> = params.iter().map(Ty::owned).collect();
    let stored: Vec<String> = params
        .iter()
        .zip(&owned)
        .map(|(param, owned)| match (owned, param) {
            (Some(t), _) => t.rust(),
            (None, Ty::Ref { inner, .. }) => match inner.as_ref() {
                Ty::Slice(item) => format!("Vec<{}>", item.rust()),
                other => other.rust(),
            },
            (None, other) => other.rust(),
        })
        .collect();
    let input_type = match stored.len() {
        1 => format!("({},)", stored[0]),
        _ => format!("({})", stored.join(", ")),
    };
    let arguments: Vec<String> = params.iter().enumerate().map(|(i, p)| rust_types::argument_expr(p, i)).collect();
    let call = format!("super::{}({})", function, arguments.join(", "));
    let synthesizable = owned.iter().all(Option::is_some);
    let (origin, make_inputs) = if synthesizable {
        let items: Vec<String> = owned.iter().flatten().map(|t| rust_types::synth_expr(t, 0)).collect();
        // Two character sequences taken together are usually compared pairwise (edit distances over tokens):
        // O(n·m) time and often an n·m table, which 10k items each would make a gigabyte. `&str` pairs keep the
        // full size: their functions (strsim's osa_distance) keep a few rows, and at 2,000 characters a call is
        // short enough that code placement alone biases the A/A reading by 5-10%.
        let texts = |t: &&Ty| matches!(t, Ty::Vec(item) if matches!(item.as_ref(), Ty::Char));
        let sequences = owned.iter().flatten().filter(texts).count();
        let collection_size = if sequences >= 2 { rust_types::PAIRWISE_SIZE } else { rust_types::COLLECTION_SIZE };
        let tuple = if items.len() == 1 { format!("({},)", items[0]) } else { format!("({})", items.join(", ")) };
        let body = format!(
            "        // Synthesized from the parameter types; edit the sizes when the real workload looks different.\n\
             \x20       const COLLECTION_SIZE: usize = {};\n\
             \x20       const NESTED_SIZE: usize = {};\n\
             \x20       const SCALAR_INT: u32 = {};\n\
             \x20       (0..5u64)\n\
             \x20           .map(|seed| {{\n\
             \x20               let mut rng = Rng::new(seed + 1);\n\
             \x20               {tuple}\n\
             \x20           }})\n\
             \x20           .collect()",
            collection_size,
            rust_types::NESTED_SIZE,
            rust_types::SCALAR_INT,
        );
        (InputOrigin::TypeHints, body)
    } else {
        (InputOrigin::Manual, format!("        // {}\n        Vec::new()", fill_in(&format!("return one `Input` ({input_type}) per representative call"))))
    };
    let value_of = |comparable: bool, expr: &str| {
        if comparable { format!("crate::Canon::canon({expr})") } else { format!("crate::debug_value({expr})") }
    };
    let origin_note = if origin == InputOrigin::Manual {
        fill_in("the parameter types are not ones the harness can make up; write `make_inputs()`")
    } else if signature.instantiated.is_empty() {
        "synthesized from the parameter types".into()
    } else {
        let types: Vec<String> = signature.instantiated.iter().map(|(name, ty)| format!("{name} = {ty}")).collect();
        format!(
            "synthesized from the parameter types, generic parameters instantiated as {} (edit `Input` and `make_inputs()` for the types the real workload uses)",
            types.join(", ")
        )
    };
    let text = template
        .replace("__INPUT_TYPE__", &input_type)
        .replace("__INPUTS_ORIGIN__", &origin_note)
        .replace("__MAKE_INPUTS__", &make_inputs)
        .replace("__OUTPUT_TYPE__", &signature.output)
        .replace("__CALL__", &call)
        .replace("__OUTPUT_VALUE__", &value_of(output.comparable(), "output"))
        .replace("__INPUT_VALUE__", &value_of(params.iter().all(Ty::comparable), "input"));
    InputsFile { text, origin }
}

/// The nearest `Cargo.toml` above `file` that has a `[package]`.
fn find_manifest(file: &Path) -> Option<PathBuf> {
    file.ancestors().skip(1).map(|d| d.join("Cargo.toml")).find(|m| std::fs::read_to_string(m).is_ok_and(|t| t.lines().any(|l| l.trim() == "[package]")))
}

/// The `Cargo.lock` of the package or of the workspace above it.
fn find_lock(manifest: &Path) -> Option<PathBuf> {
    manifest.parent()?.ancestors().map(|d| d.join("Cargo.lock")).find(|l| l.is_file())
}

/// The harness crate's manifest: the project's edition and `[dependencies]` (path dependencies made absolute,
/// `workspace = true` ones taken from the workspace), an empty `[workspace]` so that the task folder is its own
/// workspace even inside the project's.
pub fn cargo_toml(manifest: Option<&Path>) -> String {
    let text = manifest.and_then(|m| std::fs::read_to_string(m).ok()).unwrap_or_default();
    let dir = manifest.and_then(Path::parent).unwrap_or(Path::new("."));
    let edition = section_lines(&text, "package")
        .iter()
        .find_map(|l| {
            let (key, value) = l.split_once('=')?;
            (key.trim() == "edition").then(|| value.trim().trim_matches('"').to_string())
        })
        .filter(|e| e.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or_else(|| "2021".into());
    let workspace = dir.ancestors().skip(1).map(|d| d.join("Cargo.toml")).find_map(|m| {
        let text = std::fs::read_to_string(&m).ok()?;
        text.lines().any(|l| l.trim() == "[workspace]").then_some((m, text))
    });
    let mut dependencies = String::new();
    for (table, lines) in dependency_tables(&text) {
        let from_workspace = |name: &str| {
            let (ws_manifest, ws_text) = workspace.as_ref()?;
            let ws_dir = ws_manifest.parent()?;
            section_lines(ws_text, "workspace.dependencies")
                .into_iter()
                .find(|l| l.split(['=', '.']).next().is_some_and(|k| k.trim() == name))
                .map(|l| absolute_paths(&l, ws_dir))
        };
        match table {
            None => {
                for line in lines {
                    let name = line.split(['=', '.']).next().unwrap_or("").trim().to_string();
                    let resolved = if line.contains("workspace") { from_workspace(&name) } else { None };
                    dependencies.push_str(&resolved.unwrap_or_else(|| absolute_paths(&line, dir)));
                    dependencies.push('\n');
                }
            }
            Some(name) => {
                dependencies.push_str(&format!("\n[dependencies.{name}]\n"));
                for line in lines {
                    dependencies.push_str(&absolute_paths(&line, dir));
                    dependencies.push('\n');
                }
            }
        }
    }
    format!(
        "# The evaluation harness of a weco-lsp task: builds baseline.rs and optimize.rs side by side.\n\
         [package]\nname = \"{PACKAGE}\"\nversion = \"0.0.0\"\nedition = \"{edition}\"\npublish = false\n\n\
         # its own workspace, even inside the project's\n[workspace]\n\n\
         # one codegen unit: baseline and candidate are optimized in the same context, so identical code times alike\n\
         [profile.release]\ndebug = false\ncodegen-units = 1\n\n\
         [dependencies]\n{dependencies}"
    )
}

/// The non-empty, non-comment lines of `[name]` (a TOML table header on its own line).
fn section_lines(text: &str, name: &str) -> Vec<String> {
    let header = format!("[{name}]");
    let mut inside = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = trimmed == header;
            continue;
        }
        if inside && !trimmed.is_empty() && !trimmed.starts_with('#') {
            lines.push(trimmed.to_string());
        }
    }
    lines
}

/// `[dependencies]` (name `None`) and every `[dependencies.<name>]` table, with their lines.
fn dependency_tables(text: &str) -> Vec<(Option<String>, Vec<String>)> {
    let mut tables = vec![(None, section_lines(text, "dependencies"))];
    for line in text.lines() {
        if let Some(name) = line.trim().strip_prefix("[dependencies.").and_then(|r| r.strip_suffix(']')) {
            tables.push((Some(name.to_string()), section_lines(text, &format!("dependencies.{name}"))));
        }
    }
    tables
}

/// `path = "relative"` → `path = "/absolute"` against `dir`.
fn absolute_paths(line: &str, dir: &Path) -> String {
    let Some(at) = line.find("path") else { return line.to_string() };
    let rest = &line[at + 4..];
    let Some(open) = rest.find('"') else { return line.to_string() };
    let value_start = at + 4 + open + 1;
    let Some(len) = line[value_start..].find('"') else { return line.to_string() };
    let value = &line[value_start..value_start + len];
    if rest[..open].trim() != "=" || Path::new(value).is_absolute() {
        return line.to_string();
    }
    let absolute = dir.join(value);
    let absolute = absolute.canonicalize().unwrap_or(absolute);
    format!("{}{}{}", &line[..value_start], absolute.display(), &line[value_start + len..])
}
