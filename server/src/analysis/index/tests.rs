//! Tests of cross-file dependency resolution on small Python and Rust projects.

use super::*;
use crate::analysis::analyze_source;

fn build(root: &str, files: &[(&str, &str)], crate_root: Option<&str>) -> ProjectIndex {
    let mut index = ProjectIndex::default();
    let roots = vec![PathBuf::from(root)];
    for (relative, source) in files {
        let path = Path::new(root).join(relative);
        let language = Language::from_path(&path).unwrap();
        let module = ModuleKey::for_path(&path, &roots, crate_root.map(Path::new));
        index.insert(path, Arc::new(analyze_source(language, source)), module);
    }
    index
}

fn deps(index: &ProjectIndex, file: &str, function: &str) -> Vec<(String, String, usize)> {
    index.dependencies(Path::new(file), function, DEFAULT_DEPTH).into_iter().map(|d| (d.file.to_string_lossy().into_owned(), d.symbol, d.depth)).collect()
}

fn python_project() -> ProjectIndex {
    build(
        "/p",
        &[
            ("pkg/__init__.py", "from .core import compute\n"),
            (
                "pkg/core.py",
                "import os\nfrom .helpers import normalize as norm\nfrom . import util\nimport pkg.consts as c\nimport pkg.consts\n\nLIMIT = 10\n\ndef compute(xs):\n    ys = norm(xs)\n    total = util.total(ys) + c.SCALE + pkg.consts.OFFSET\n    return total + LIMIT + os.getpid()\n",
            ),
            ("pkg/helpers.py", "from .deep import clean\n\ndef normalize(xs):\n    return [clean(x) for x in xs]\n"),
            ("pkg/util.py", "def total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n"),
            ("pkg/consts.py", "SCALE = 3\nOFFSET = 4\n"),
            ("pkg/deep.py", "def clean(x):\n    return x\n"),
            ("pkg/shapes.py", "class Grid:\n    def cells(self):\n        return helper()\n\ndef helper():\n    return 1\n"),
            (
                "main.py",
                "from pkg import compute\nfrom pkg.shapes import Grid\nimport numpy as np\n\ndef run():\n    g = Grid()\n    return compute([1]) + np.sum([1])\n",
            ),
        ],
        None,
    )
}

#[test]
fn python_relative_imports_aliases_and_module_attributes_resolve() {
    let index = python_project();
    let found = deps(&index, "/p/pkg/core.py", "compute");
    let expected = vec![
        ("/p/pkg/consts.py".to_string(), "OFFSET".to_string(), 1),
        ("/p/pkg/consts.py".to_string(), "SCALE".to_string(), 1),
        ("/p/pkg/core.py".to_string(), "LIMIT".to_string(), 1),
        ("/p/pkg/helpers.py".to_string(), "normalize".to_string(), 1),
        ("/p/pkg/util.py".to_string(), "total".to_string(), 1),
        ("/p/pkg/deep.py".to_string(), "clean".to_string(), 2),
    ];
    assert_eq!(found, expected);
}

#[test]
fn python_package_reexports_and_classes_are_followed_and_externals_are_not() {
    let index = python_project();
    let found = deps(&index, "/p/main.py", "run");
    assert!(found.contains(&("/p/pkg/core.py".into(), "compute".into(), 1)), "{found:?}");
    assert!(found.contains(&("/p/pkg/shapes.py".into(), "Grid".into(), 1)), "{found:?}");
    // The class is needed whole, so what its methods use comes along.
    assert!(found.contains(&("/p/pkg/shapes.py".into(), "helper".into(), 2)), "{found:?}");
    assert!(found.contains(&("/p/pkg/helpers.py".into(), "normalize".into(), 2)), "{found:?}");
    assert!(found.iter().all(|(file, _, _)| file.starts_with("/p/")), "numpy and os are not project-local: {found:?}");
    // Depth is bounded: clean is three hops away from run, and nothing deeper is followed.
    assert!(found.contains(&("/p/pkg/deep.py".into(), "clean".into(), 3)), "{found:?}");
    assert!(found.iter().all(|(_, _, depth)| *depth <= DEFAULT_DEPTH));
    assert!(index.dependencies(Path::new("/p/main.py"), "run", 2).iter().all(|d| d.symbol != "clean"));
}

#[test]
fn removing_a_file_drops_its_definitions() {
    let mut index = python_project();
    index.remove(Path::new("/p/pkg/util.py"));
    let found = deps(&index, "/p/pkg/core.py", "compute");
    assert!(!found.iter().any(|(_, s, _)| s == "total"), "{found:?}");
}

fn rust_project() -> ProjectIndex {
    build(
        "/r",
        &[
            (
                "src/lib.rs",
                "mod geometry;\nmod util;\nuse crate::geometry::Point;\n\npub fn run() -> f64 {\n    let p = Point::new(1.0, 2.0);\n    util::norm(&p) * geometry::SCALE\n}\n",
            ),
            ("src/geometry.rs", "pub const SCALE: f64 = 2.0;\npub struct Point { pub x: f64, pub y: f64 }\n"),
            ("src/geometry/ops.rs", "use super::Point;\nimpl Point {\n    pub fn new(x: f64, y: f64) -> Self { Point { x, y } }\n}\n"),
            (
                "src/util.rs",
                "use crate::geometry::{Point, SCALE as S};\nuse std::collections::HashMap;\n\npub fn norm(p: &Point) -> f64 {\n    let m: HashMap<u8, u8> = HashMap::new();\n    (p.x * p.x + p.y * p.y).sqrt() / S + m.len() as f64\n}\n",
            ),
        ],
        Some("/r"),
    )
}

#[test]
fn rust_use_paths_mod_files_and_impls_in_other_files_resolve() {
    let index = rust_project();
    let found = deps(&index, "/r/src/lib.rs", "run");
    assert!(found.contains(&("/r/src/geometry.rs".into(), "Point".into(), 1)), "{found:?}");
    assert!(found.contains(&("/r/src/geometry/ops.rs".into(), "Point::new".into(), 1)), "{found:?}");
    assert!(found.contains(&("/r/src/util.rs".into(), "norm".into(), 1)), "{found:?}");
    assert!(found.contains(&("/r/src/geometry.rs".into(), "SCALE".into(), 1)), "{found:?}");
    assert!(found.iter().all(|(f, _, _)| f.starts_with("/r/src/")), "std is not project-local: {found:?}");
}

#[test]
fn module_keys_follow_python_roots_and_rust_src_layout() {
    let roots = vec![PathBuf::from("/w"), PathBuf::from("/w/src")];
    assert_eq!(ModuleKey::for_path(Path::new("/w/src/pkg/__init__.py"), &roots, None), Some(ModuleKey::Python { name: vec!["pkg".into()], is_package: true }));
    assert_eq!(
        ModuleKey::for_path(Path::new("/r/src/a/mod.rs"), &[], Some(Path::new("/r"))),
        Some(ModuleKey::Rust { crate_root: "/r".into(), path: vec!["crate".into(), "a".into()] })
    );
}

#[test]
fn self_and_cls_members_resolve_to_the_class_and_its_project_local_bases() {
    let index = build(
        "/q",
        &[
            ("pkg/__init__.py", ""),
            ("pkg/base.py", "class Base:\n    def key(self, x):\n        return x\n\n    def unused(self):\n        return 0\n"),
            (
                "pkg/shop.py",
                "from .base import Base\n\nclass Shop(Base):\n    def clean(self, xs):\n        return [self.fix(x) for x in xs]\n\n    def fix(self, x):\n        return self.key(x)\n\n    def other(self):\n        return 1\n\n    @classmethod\n    def make(cls):\n        return cls.build()\n\n    @classmethod\n    def build(cls):\n        return cls()\n",
            ),
        ],
        None,
    );
    let clean = deps(&index, "/q/pkg/shop.py", "Shop.clean");
    assert!(clean.contains(&("/q/pkg/shop.py".into(), "Shop.fix".into(), 1)), "{clean:?}");
    assert!(clean.contains(&("/q/pkg/base.py".into(), "Base.key".into(), 2)), "{clean:?}");
    assert!(!clean.iter().any(|d| d.1 == "Shop.other" || d.1 == "Base.unused"), "only what it reaches: {clean:?}");
    assert_eq!(deps(&index, "/q/pkg/shop.py", "Shop.make"), [("/q/pkg/shop.py".into(), "Shop.build".into(), 1)]);
}

#[test]
fn names_re_exported_through_a_star_import_resolve_to_their_definition() {
    let index = build(
        "/r",
        &[
            ("pkg/__init__.py", "from .helpers import *\nfrom .base import Base\n"),
            ("pkg/helpers.py", "__all__ = [\"norm\"]\n\ndef norm(x):\n    return x.strip()\n\ndef _private(x):\n    return x\n"),
            ("pkg/base.py", "class Base:\n    pass\n"),
            (
                "pkg/shop.py",
                "from pkg import norm\nfrom .helpers import *\n\ndef clean(xs):\n    return [norm(x) for x in xs]\n\ndef direct(x):\n    return norm(x) + _private(x)\n",
            ),
        ],
        None,
    );
    assert_eq!(deps(&index, "/r/pkg/shop.py", "clean"), [("/r/pkg/helpers.py".into(), "norm".into(), 1)]);
    // A private name is not re-exported by a star import.
    assert_eq!(deps(&index, "/r/pkg/shop.py", "direct"), [("/r/pkg/helpers.py".into(), "norm".into(), 1)]);
}
