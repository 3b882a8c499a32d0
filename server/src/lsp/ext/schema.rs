//! Generates `editors/protocol.json` from the Rust types of the `weco/...` protocol (through
//! schemars) and checks the committed file is what they say: the one schema the TypeScript and Lua
//! mirrors are checked against. `WECO_UPDATE_GENERATED=1 cargo test` rewrites it.
//!
//! Types the server sends are described as serialized (a field is optional only when it may be
//! left out); types it receives as deserialized (an `Option` field may be left out or null).

use std::collections::BTreeMap;

use schemars::{JsonSchema, generate::SchemaSettings};
use serde_json::{Map, Value, json};

use super::*;

/// `ls_types::Position` as it travels.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

/// `ls_types::Range` as it travels.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    /// Sent by the server: described as serialized.
    Sent,
    /// Received by the server: described as deserialized.
    Received,
}

/// The root schema and its definitions of `T`, for the given direction.
fn schema_of<T: JsonSchema>(direction: Direction) -> Value {
    let settings = match direction {
        Direction::Sent => SchemaSettings::draft2020_12().for_serialize(),
        Direction::Received => SchemaSettings::draft2020_12().for_deserialize(),
    };
    serde_json::to_value(settings.into_generator().into_root_schema_for::<T>()).unwrap()
}

/// `{"type": "string"}` → "string"; a `$ref` → its name; an array → "X[]"; nullability apart.
fn type_of(schema: &Value) -> (String, bool) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return (reference.rsplit('/').next().unwrap().to_string(), false);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let nullable = options.iter().any(|o| o.get("type") == Some(&json!("null")));
            let other = options.iter().find(|o| o.get("type") != Some(&json!("null"))).expect("a non-null alternative");
            let (name, inner_nullable) = type_of(other);
            return (name, nullable || inner_nullable);
        }
    }
    let types: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => panic!("a schema without a type: {schema}"),
    };
    let nullable = types.iter().any(|t| t == "null");
    let base = types.into_iter().find(|t| t != "null").expect("a non-null type");
    let name = match base.as_str() {
        "array" => format!("{}[]", type_of(&schema["items"]).0),
        other => other.to_string(),
    };
    (name, nullable)
}

/// One type in the simple format: `{fields: {name: {type, optional, nullable}}}` or `{enum: [...]}`.
fn describe(schema: &Value) -> Value {
    if let Some(values) = schema.get("enum") {
        return json!({ "enum": values });
    }
    let required: Vec<&str> = schema.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let mut fields = Map::new();
    for (name, field) in schema["properties"].as_object().expect("an object type") {
        let (ty, nullable) = type_of(field);
        fields.insert(name.clone(), json!({ "type": ty, "optional": !required.contains(&name.as_str()), "nullable": nullable }));
    }
    json!({ "fields": fields })
}

fn add<T: JsonSchema>(types: &mut BTreeMap<String, Value>, direction: Direction) {
    let root = schema_of::<T>(direction);
    types.insert(T::schema_name().into_owned(), describe(&root));
    for (name, definition) in root.get("$defs").and_then(Value::as_object).into_iter().flatten() {
        let described = describe(definition);
        if let Some(existing) = types.get(name) {
            assert_eq!(existing, &described, "{name} is described the same whichever way it travels");
        }
        types.insert(name.clone(), described);
    }
}

/// The whole protocol in the simple format of `editors/protocol.json`.
pub fn protocol() -> Value {
    let mut types = BTreeMap::new();
    add::<ShowResultParams>(&mut types, Direction::Sent);
    add::<RunStatusParams>(&mut types, Direction::Sent);
    add::<OptimizeArgs>(&mut types, Direction::Received);
    add::<TaskTarget>(&mut types, Direction::Received);
    add::<InstallPackageArgs>(&mut types, Direction::Received);
    add::<ProfileTestsArgs>(&mut types, Direction::Received);
    let command_args = [
        (CMD_OPTIMIZE, "OptimizeArgs"),
        (CMD_CONSOLIDATE, "OptimizeArgs"),
        (CMD_CANCEL, "TaskTarget"),
        (CMD_SHOW_RESULT, "TaskTarget"),
        (CMD_APPLY_RESULT, "TaskTarget"),
        (CMD_DISCARD_RESULT, "TaskTarget"),
        (CMD_SHOW_REPORT, "TaskTarget"),
        (CMD_INSTALL_PACKAGE, "InstallPackageArgs"),
        (CMD_PROFILE_TESTS, "ProfileTestsArgs"),
    ];
    assert_eq!(command_args.len(), ALL_COMMANDS.len(), "every command has its arguments' type");
    let commands: Map<String, Value> = command_args.iter().map(|(c, t)| (c.to_string(), json!(t))).collect();
    json!({
        "methods": {
            <ShowResult as tower_lsp_server::ls_types::request::Request>::METHOD: { "kind": "request", "direction": "serverToClient", "params": "ShowResultParams" },
            <RunStatus as tower_lsp_server::ls_types::notification::Notification>::METHOD: { "kind": "notification", "direction": "serverToClient", "params": "RunStatusParams" },
        },
        "commands": commands,
        "types": types,
    })
}

#[test]
fn editors_protocol_json_is_generated_from_the_rust_types() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../editors/protocol.json");
    let expected = serde_json::to_string_pretty(&protocol()).unwrap() + "\n";
    if std::env::var_os("WECO_UPDATE_GENERATED").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
    assert!(
        parse(&committed) == parse(&expected),
        "editors/protocol.json is out of date with server/src/lsp/ext.rs: run `WECO_UPDATE_GENERATED=1 cargo test -p weco-lsp --lib protocol`, then fix the TypeScript and Lua mirrors its checks name.\nexpected:\n{expected}"
    );
}

#[test]
fn the_schema_knows_optional_from_nullable() {
    let protocol = protocol();
    let field = |ty: &str, name: &str| protocol["types"][ty]["fields"][name].clone();
    assert_eq!(field("ShowResultParams", "reportUri"), json!({"type": "string", "optional": false, "nullable": true}));
    assert_eq!(field("OptimizeArgs", "position"), json!({"type": "Position", "optional": true, "nullable": true}));
    assert_eq!(field("ResultHunk", "range"), json!({"type": "Range", "optional": false, "nullable": false}));
    assert_eq!(field("TaskTarget", "hunks")["type"], "integer[]");
    assert_eq!(protocol["types"]["RunState"], json!({"enum": ["preparing", "running", "finished", "failed", "cancelled"]}));
}
