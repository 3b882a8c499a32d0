//! Rust consolidation: a crate with modules, an impl in another file, `use` aliases, `crate::` paths
//! and a name collision; the consolidated file must compile on its own.

use std::process::Command;

use super::*;

const FILES: &[(&str, &str)] = &[
    ("Cargo.toml", "[package]\nname = \"geo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
    (
        "src/lib.rs",
        "mod geometry;\nmod stats;\nmod util;\n\nuse crate::geometry::Point;\nuse std::collections::HashMap;\n\npub fn run(points: &[(f64, f64)]) -> f64 {\n    let mut seen: HashMap<u64, usize> = HashMap::new();\n    let mut total = 0.0;\n    let origin = Point::new(0.0, 0.0);\n    for &(x, y) in points {\n        let p = Point::new(x, y);\n        *seen.entry(x.to_bits()).or_insert(0) += 1;\n        total += util::norm(&p) * geometry::SCALE + stats::helper(x);\n        total += crate::util::distance(&origin, &p);\n    }\n    total + seen.len() as f64\n}\n",
    ),
    ("src/geometry.rs", "mod ops;\n\npub const SCALE: f64 = 2.0;\n\n#[derive(Debug, Clone, Copy)]\npub struct Point {\n    pub x: f64,\n    pub y: f64,\n}\n"),
    (
        "src/geometry/ops.rs",
        "use super::Point;\n\nimpl Point {\n    pub fn new(x: f64, y: f64) -> Self {\n        Point { x, y }\n    }\n\n    pub(super) fn len2(&self) -> f64 {\n        self.x * self.x + self.y * self.y\n    }\n}\n",
    ),
    (
        "src/util.rs",
        "use crate::geometry::{Point, SCALE as S};\n\npub fn norm(p: &Point) -> f64 {\n    p.len2().sqrt() / S + helper()\n}\n\nfn helper() -> f64 {\n    0.5\n}\n\npub fn distance(a: &Point, b: &Point) -> f64 {\n    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()\n}\n",
    ),
    ("src/stats.rs", "pub fn helper(x: f64) -> f64 {\n    x.abs() + 1.0\n}\n"),
];

fn crate_project() -> Project {
    Project::new(FILES)
}

#[test]
fn rust_pieces_become_items_of_one_file_with_paths_and_aliases_rewritten() {
    let project = crate_project();
    let consolidated = project.consolidate("src/lib.rs", "run");
    let text = &consolidated.text;
    assert!(text.contains("use std::collections::HashMap;\n"), "{text}");
    assert!(!text.contains("use crate::"), "{text}");
    assert!(!text.contains("use super::"), "{text}");
    assert!(!text.contains("mod ops;"), "{text}");
    assert!(text.contains("total += norm(&p) * SCALE + helper__stats(x);"), "{text}");
    assert!(text.contains("total += distance(&origin, &p);"), "{text}");
    assert!(text.contains("p.len2().sqrt() / SCALE + helper__util()"), "{text}");
    assert!(text.contains("fn helper__util() -> f64"), "{text}");
    assert!(text.contains("pub(crate) fn len2(&self)"), "pub(super) means nothing in one file: {text}");
    assert!(text.contains("#[derive(Debug, Clone, Copy)]\npub struct Point"), "attributes travel with items: {text}");
    let impl_piece = consolidated.pieces.iter().find(|p| p.kind == PieceKind::Impl).expect("the impl in ops.rs");
    assert_eq!(impl_piece.file, project.path("src/geometry/ops.rs"));
    assert!(text.contains("// weco:begin piece="), "{text}");
    assert!(consolidated.pieces.last().unwrap().target);
}

#[test]
fn rust_consolidated_file_compiles_alone() {
    let project = crate_project();
    let consolidated = project.consolidate("src/lib.rs", "run");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("consolidated.rs");
    fs::write(&file, &consolidated.text).unwrap();
    let output = Command::new("rustc")
        .args(["--edition", "2021", "--crate-type", "lib", "--emit", "metadata", "-o"])
        .arg(dir.path().join("out.rmeta"))
        .arg(&file)
        .output()
        .expect("rustc runs");
    assert!(output.status.success(), "{}\n{}", String::from_utf8_lossy(&output.stderr), consolidated.text);
}

#[test]
fn rust_change_in_a_helper_maps_back_to_its_file_with_paths_restored() {
    let project = crate_project();
    let consolidated = project.consolidate("src/lib.rs", "run");
    assert_eq!(map_back(&consolidated, &consolidated.text).edit_count(), 0);
    let optimized = consolidated.text.replace("p.len2().sqrt() / SCALE + helper__util()", "p.len2().sqrt() * (1.0 / SCALE) + helper__util()");
    let mapped = map_back(&consolidated, &optimized);
    assert!(mapped.unmapped.is_empty(), "{mapped:?}");
    assert_eq!(mapped.files.len(), 1, "{mapped:?}");
    let util = project.edited(&mapped, "src/util.rs");
    assert!(util.contains("    p.len2().sqrt() * (1.0 / S) + helper()\n"), "{util}");
    assert!(util.starts_with("use crate::geometry::{Point, SCALE as S};\n"), "{util}");

    let optimized = consolidated.text.replace("total += distance(&origin, &p);", "total += distance(&origin, &p) * 1.0;");
    let mapped = map_back(&consolidated, &optimized);
    let lib = project.edited(&mapped, "src/lib.rs");
    assert!(lib.contains("        total += crate::util::distance(&origin, &p) * 1.0;\n"), "{lib}");
    assert_eq!(mapped.files.len(), 1, "{mapped:?}");
}

#[test]
fn rust_impl_changes_keep_their_visibility_and_land_in_the_impl_file() {
    let project = crate_project();
    let consolidated = project.consolidate("src/lib.rs", "run");
    let optimized = consolidated.text.replace("self.x * self.x + self.y * self.y", "self.x.mul_add(self.x, self.y * self.y)");
    let mapped = map_back(&consolidated, &optimized);
    let ops = project.edited(&mapped, "src/geometry/ops.rs");
    assert!(ops.contains("    pub(super) fn len2(&self) -> f64 {\n        self.x.mul_add(self.x, self.y * self.y)\n"), "{ops}");
}

#[test]
fn rust_method_target_brings_its_impl_and_its_struct_and_compiles() {
    let project = crate_project();
    let consolidated = project.consolidate("src/geometry/ops.rs", "Point::len2");
    let target = consolidated.pieces.last().unwrap();
    assert!(target.target && target.kind == PieceKind::Impl, "{:?}", consolidated.pieces);
    assert!(consolidated.text.contains("pub struct Point {"), "{}", consolidated.text);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("consolidated.rs");
    fs::write(&file, &consolidated.text).unwrap();
    let output = Command::new("rustc")
        .args(["--edition", "2021", "--crate-type", "lib", "--emit", "metadata", "-o"])
        .arg(dir.path().join("out.rmeta"))
        .arg(&file)
        .output()
        .expect("rustc runs");
    assert!(output.status.success(), "{}\n{}", String::from_utf8_lossy(&output.stderr), consolidated.text);
}
