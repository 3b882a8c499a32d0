//! Python consolidation: a small shop package with a dependency two files away, a name collision,
//! relative imports, aliases and a class from another module; checked with the real interpreter.

use std::process::Command;

use super::*;

const FILES: &[(&str, &str)] = &[
    ("pyproject.toml", "[project]\nname = \"shop\"\n"),
    ("shop/__init__.py", ""),
    ("shop/constants.py", "TAX_RATE = 0.2\nDISCOUNTS = {\"gold\": 0.1, \"silver\": 0.05}\n"),
    ("shop/text.py", "import string\n\n\ndef line(s):\n    return s.strip().lower().strip(string.punctuation)\n"),
    (
        "shop/pricing.py",
        "from .constants import TAX_RATE\nfrom . import text as t\n\n\ndef helper(x):\n    return round(x * (1 + TAX_RATE), 2)\n\n\ndef unit_price(item):\n    bonus = 0.01 * len(t.line(item[\"name\"]))\n    return helper(item[\"price\"]) + bonus\n",
    ),
    ("shop/inventory.py", "def helper(qty):\n    return max(0, qty)\n"),
    (
        "shop/models.py",
        "from .constants import DISCOUNTS\n\n\nclass Customer:\n    def __init__(self, tier):\n        self.tier = tier\n\n    def discount(self):\n        return DISCOUNTS.get(self.tier, 0.0)\n",
    ),
    (
        "shop/orders.py",
        "import math\nfrom shop.pricing import unit_price\nfrom .inventory import helper\nfrom .models import Customer\nimport shop.constants as c\n\n\ndef order_total(items, tier):\n    customer = Customer(tier)\n    total = 0.0\n    for item in items:\n        total += unit_price(item) * helper(item[\"qty\"])\n    total = total * (1 - customer.discount())\n    return math.floor(total * 100) / 100 + c.TAX_RATE * 0\n",
    ),
];

fn shop() -> Project {
    Project::new(FILES)
}

#[test]
fn python_pieces_are_ordered_and_project_imports_are_dropped() {
    let project = shop();
    let consolidated = project.consolidate("shop/orders.py", "order_total");
    let text = &consolidated.text;
    let symbols: Vec<&str> = consolidated.pieces.iter().map(|p| p.symbol.as_str()).collect();
    for expected in ["order_total", "unit_price", "Customer", "TAX_RATE", "DISCOUNTS", "line"] {
        assert!(symbols.contains(&expected), "{expected} missing from {symbols:?}\n{text}");
    }
    assert_eq!(consolidated.pieces.iter().filter(|p| p.symbol == "helper").count(), 2, "{symbols:?}");
    // Constants, then classes, then helpers (deepest first), then the target.
    let kinds: Vec<PieceKind> = consolidated.pieces.iter().map(|p| p.kind).collect();
    let first_class = kinds.iter().position(|k| *k == PieceKind::Class).unwrap();
    let last_constant = kinds.iter().rposition(|k| *k == PieceKind::Constant).unwrap();
    assert!(last_constant < first_class, "{kinds:?}");
    let last = consolidated.pieces.last().unwrap();
    assert!(last.target && last.symbol == "order_total", "{symbols:?}");
    let line_piece = piece(&consolidated, "line").id;
    assert!(line_piece < piece(&consolidated, "unit_price").id, "deeper helpers come first");
    // Imports: external kept once, project-local gone.
    assert_eq!(text.matches("import math\n").count(), 1, "{text}");
    assert!(text.contains("import string\n"), "{text}");
    assert!(!text.contains("from ."), "{text}");
    assert!(!text.contains("\nfrom shop"), "{text}");
    assert!(!text.contains("\nimport shop"), "{text}");
    // Markers record the origin.
    let pricing = piece(&consolidated, "unit_price");
    assert!(text.contains(&format!("# weco:begin piece={} file=shop/pricing.py symbol=unit_price kind=function\n", pricing.id)), "{text}");
    assert!(text.contains(&format!("# weco:end piece={}\n", pricing.id)), "{text}");
    // Constants and a class the target only instantiates are read-only context.
    assert!(piece(&consolidated, "TAX_RATE").readonly);
    assert!(piece(&consolidated, "Customer").readonly);
    assert!(!pricing.readonly && !last.readonly);
    assert!(text.contains(&format!("kind=constant readonly=true\n# {READONLY_NOTE}\nTAX_RATE = 0.2")), "{text}");
}

#[test]
fn python_colliding_helpers_are_renamed_and_aliases_rewritten() {
    let project = shop();
    let consolidated = project.consolidate("shop/orders.py", "order_total");
    let text = &consolidated.text;
    let mut renames: Vec<(String, String)> = consolidated.renames.iter().map(|r| (r.original.clone(), r.renamed.clone())).collect();
    renames.sort();
    assert_eq!(renames, vec![("helper".to_string(), "helper__inventory".to_string()), ("helper".to_string(), "helper__pricing".to_string())]);
    assert!(text.contains("def helper__pricing(x):"), "{text}");
    assert!(text.contains("def helper__inventory(qty):"), "{text}");
    assert!(text.contains("return helper__pricing(item[\"price\"]) + bonus"), "{text}");
    assert!(text.contains("unit_price(item) * helper__inventory(item[\"qty\"])"), "{text}");
    // `from . import text as t; t.line(...)` and `import shop.constants as c; c.TAX_RATE`.
    assert!(text.contains("bonus = 0.01 * len(line(item[\"name\"]))"), "{text}");
    assert!(text.contains("+ TAX_RATE * 0"), "{text}");
    // Attribute names are not references: `s.strip()` stays.
    assert!(text.contains("s.strip().lower()"), "{text}");
}

/// Runs `script` with python3 in isolated mode (no project on the path) from `cwd`.
fn python(script: &str, cwd: &Path) -> String {
    let output = Command::new("python3").args(["-I", "-c", script]).current_dir(cwd).output().expect("python3 runs");
    assert!(output.status.success(), "python failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

const INPUTS: &str = r#"[
    ([{"name": " Apple! ", "price": 1.25, "qty": 3}, {"name": "Pear", "price": 2.5, "qty": -1}], "gold"),
    ([{"name": "Fig", "price": 10.0, "qty": 7}], "silver"),
    ([], "none"),
]"#;

#[test]
fn python_consolidated_file_runs_alone_and_computes_what_the_package_computes() {
    let project = shop();
    let consolidated = project.consolidate("shop/orders.py", "order_total");
    let elsewhere = tempfile::tempdir().unwrap();
    let file = elsewhere.path().join("consolidated.py");
    fs::write(&file, &consolidated.text).unwrap();
    let alone = python(
        &format!(
            "import importlib.util, json\nspec = importlib.util.spec_from_file_location('consolidated', {file:?})\nm = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(m)\nprint(json.dumps([m.order_total(i, t) for i, t in {INPUTS}]))\n"
        ),
        elsewhere.path(),
    );
    let original = python(
        &format!(
            "import sys, json\nsys.path.insert(0, '.')\nfrom shop.orders import order_total\nprint(json.dumps([order_total(i, t) for i, t in {INPUTS}]))\n"
        ),
        project.dir.path(),
    );
    assert_eq!(alone, original, "consolidated:\n{}", consolidated.text);
    assert!(alone.starts_with('['), "{alone}");
}

#[test]
fn python_unchanged_file_maps_back_to_no_edits() {
    let project = shop();
    let consolidated = project.consolidate("shop/orders.py", "order_total");
    let mapped = map_back(&consolidated, &consolidated.text);
    assert_eq!(mapped.edit_count(), 0, "{mapped:?}");
    assert!(mapped.unmapped.is_empty(), "{mapped:?}");
    // Trailing whitespace and CRLF line ends are not changes either.
    let crlf = consolidated.text.replace('\n', "  \r\n");
    let mapped = map_back(&consolidated, &crlf);
    assert_eq!(mapped.edit_count(), 0, "{mapped:?}");
}

#[test]
fn python_change_inside_a_helper_lands_in_the_helpers_file_only_with_its_name_restored() {
    let project = shop();
    let consolidated = project.consolidate("shop/orders.py", "order_total");
    let optimized = consolidated.text.replace(
        "def helper__pricing(x):\n    return round(x * (1 + TAX_RATE), 2)",
        "def helper__pricing(x):\n    factor = 1 + TAX_RATE\n    return round(x * factor, 2)",
    );
    assert_ne!(optimized, consolidated.text);
    let mapped = map_back(&consolidated, &optimized);
    assert!(mapped.unmapped.is_empty(), "{mapped:?}");
    assert_eq!(mapped.files.len(), 1, "{mapped:?}");
    assert_eq!(mapped.files[0].file, project.path("shop/pricing.py"));
    let pricing = project.edited(&mapped, "shop/pricing.py");
    assert!(pricing.contains("def helper(x):\n    factor = 1 + TAX_RATE\n    return round(x * factor, 2)\n"), "{pricing}");
    assert!(pricing.contains("from . import text as t\n"), "imports untouched: {pricing}");
    assert!(pricing.contains("return helper(item[\"price\"]) + bonus"), "{pricing}");
    assert!(!pricing.contains("__pricing"), "{pricing}");
}

#[test]
fn python_change_in_the_target_lands_in_the_target_file_with_renames_and_aliases_undone() {
    let project = shop();
    let consolidated = project.consolidate("shop/orders.py", "order_total");
    let optimized = consolidated.text.replace(
        "    for item in items:\n        total += unit_price(item) * helper__inventory(item[\"qty\"])\n",
        "    total += sum(unit_price(item) * helper__inventory(item[\"qty\"]) for item in items)\n",
    );
    let optimized = optimized.replace("+ TAX_RATE * 0", "+ TAX_RATE * 0.0");
    let mapped = map_back(&consolidated, &optimized);
    assert!(mapped.unmapped.is_empty(), "{mapped:?}");
    assert_eq!(mapped.files.len(), 1, "{mapped:?}");
    let orders = project.edited(&mapped, "shop/orders.py");
    assert!(orders.contains("    total += sum(unit_price(item) * helper(item[\"qty\"]) for item in items)\n"), "{orders}");
    assert!(orders.contains("+ c.TAX_RATE * 0.0\n"), "alias spelling restored: {orders}");
    assert!(orders.starts_with("import math\nfrom shop.pricing import unit_price\n"), "{orders}");
}

#[test]
fn python_broken_markers_readonly_edits_and_renamed_symbols_are_reported_not_applied() {
    let project = shop();
    let consolidated = project.consolidate("shop/orders.py", "order_total");
    let tax = piece(&consolidated, "TAX_RATE").id;
    let line = piece(&consolidated, "line").id;
    let unit_price = piece(&consolidated, "unit_price").id;
    let target = consolidated.pieces.last().unwrap().id;
    let mut optimized = consolidated.text.replace("TAX_RATE = 0.2", "TAX_RATE = 0.25");
    optimized = optimized.replace(&format!("# weco:end piece={line}\n"), "");
    optimized = optimized.replace("def unit_price(item):", "def price_of(item):");
    let marker_target = format!("# weco:begin piece={target} ");
    optimized = optimized.replacen(&marker_target, &format!("{marker_target}\n# weco:begin piece={target} "), 1);
    let mapped = map_back(&consolidated, &optimized);
    let reason_of = |id: usize| mapped.unmapped.iter().find(|u| u.piece == Some(id)).map(|u| u.reason);
    assert_eq!(reason_of(tax), Some(UnmappedReason::ReadonlyChanged), "{mapped:?}");
    assert_eq!(reason_of(line), Some(UnmappedReason::MarkersTangled), "{mapped:?}");
    assert_eq!(reason_of(unit_price), Some(UnmappedReason::SymbolRenamed), "{mapped:?}");
    assert!(reason_of(target).is_some(), "{mapped:?}");
    assert_eq!(mapped.edit_count(), 0, "nothing applied: {mapped:?}");
    let readonly = mapped.unmapped.iter().find(|u| u.piece == Some(tax)).unwrap();
    assert!(readonly.diff_text.contains("-TAX_RATE = 0.2\n+TAX_RATE = 0.25"), "{}", readonly.diff_text);
    assert!(readonly.explanation.contains("read-only"), "{}", readonly.explanation);
}

#[test]
fn python_new_helper_outside_markers_goes_to_the_file_of_the_piece_that_uses_it() {
    let project = shop();
    let consolidated = project.consolidate("shop/orders.py", "order_total");
    let target = consolidated.pieces.last().unwrap().id;
    let begin = format!("# weco:begin piece={target} ");
    let optimized = consolidated
        .text
        .replacen(
            &begin,
            &format!("from functools import lru_cache\n\n\ndef line_cost(item):\n    return unit_price(item) * helper__inventory(item[\"qty\"])\n\n\n{begin}"),
            1,
        )
        .replace("total += unit_price(item) * helper__inventory(item[\"qty\"])", "total += line_cost(item)");
    let optimized = format!("{optimized}\n\ndef orphan():\n    return lru_cache\n");
    let mapped = map_back(&consolidated, &optimized);
    let orders = project.edited(&mapped, "shop/orders.py");
    assert!(orders.contains("def line_cost(item):\n    return unit_price(item) * helper(item[\"qty\"])\n\n\ndef order_total"), "{orders}");
    assert!(orders.contains("        total += line_cost(item)\n"), "{orders}");
    assert_eq!(mapped.unmapped.len(), 2, "the unused import and orphan are reported: {mapped:?}");
    assert!(mapped.unmapped.iter().all(|u| u.reason == UnmappedReason::NewCode), "{mapped:?}");
}

#[test]
fn python_method_target_brings_its_class_and_the_constant_it_reads() {
    let project = shop();
    let consolidated = project.consolidate("shop/models.py", "Customer.discount");
    let target = consolidated.pieces.last().unwrap();
    assert!(target.target && target.kind == PieceKind::Class && !target.readonly, "{:?}", consolidated.pieces);
    assert!(target.consolidated_text.starts_with("class Customer:"), "{}", target.consolidated_text);
    assert!(consolidated.pieces.iter().any(|p| p.symbol == "DISCOUNTS"), "{}", consolidated.text);
    let optimized = consolidated.text.replace("return DISCOUNTS.get(self.tier, 0.0)", "return DISCOUNTS.get(self.tier) or 0.0");
    let mapped = map_back(&consolidated, &optimized);
    let models = project.edited(&mapped, "shop/models.py");
    assert!(models.contains("    def discount(self):\n        return DISCOUNTS.get(self.tier) or 0.0\n"), "{models}");
    assert!(models.starts_with("from .constants import DISCOUNTS\n"), "{models}");
}

#[test]
fn python_user_marked_readonly_definitions_stay_context() {
    let mut files = FILES.to_vec();
    files.retain(|(p, _)| *p != "shop/inventory.py");
    files.push(("shop/inventory.py", "# weco: readonly (tuned by hand)\ndef helper(qty):\n    return max(0, qty)\n"));
    let project = Project::new(&files);
    let consolidated = project.consolidate("shop/orders.py", "order_total");
    let inventory = consolidated.pieces.iter().find(|p| p.file == project.path("shop/inventory.py")).unwrap();
    assert!(inventory.readonly, "{:?}", consolidated.pieces);
    assert!(!piece(&consolidated, "unit_price").readonly);
}

#[test]
fn python_headless_writer_stores_the_file_and_the_piece_table() {
    let project = shop();
    let path = write_consolidated(project.dir.path(), &project.path("shop/orders.py"), "order_total").unwrap();
    let root = fs::canonicalize(project.dir.path()).unwrap();
    assert_eq!(path, root.join(".weco/order_total_consolidated/consolidated.py"));
    let written = fs::read_to_string(&path).unwrap();
    assert!(written.contains("def order_total(items, tier):"), "{written}");
    let table = load_consolidated(path.parent().unwrap()).unwrap();
    assert_eq!(table.text, written);
    assert_eq!(map_back(&table, &written).edit_count(), 0);
    let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no temp files left: {leftovers:?}");
    let missing = write_consolidated(project.dir.path(), &project.path("shop/orders.py"), "nope");
    assert!(matches!(missing, Err(ConsolidateError::FunctionNotFound { .. })), "{missing:?}");
}

const ZOO: &[(&str, &str)] = &[
    ("zoo/__init__.py", ""),
    ("zoo/base.py", "class Animal:\n    legs = 4\n\n    def describe(self):\n        return str(self.legs) + \" legs\"\n"),
    (
        "zoo/kinds.py",
        "from .base import Animal\n\n\nclass Dog(Animal):\n    @classmethod\n    def make(cls, name):\n        dog = cls()\n        dog.name = name\n        return dog\n\n    def speak(self):\n        return self.name + \" says woof on \" + self.describe()\n",
    ),
    (
        "zoo/main.py",
        "from zoo.kinds import Dog\n\n\ndef chorus(names):\n    out = []\n    for n in names:\n        out.append(Dog.make(n).speak())\n    return \" / \".join(out)\n",
    ),
];

#[test]
fn python_class_used_through_its_methods_is_editable_and_brings_its_base_class() {
    let project = Project::new(ZOO);
    let consolidated = project.consolidate("zoo/main.py", "chorus");
    let dog = consolidated.pieces.iter().find(|p| p.consolidated_text.starts_with("class Dog(Animal):")).expect("Dog");
    let animal = consolidated.pieces.iter().find(|p| p.consolidated_text.starts_with("class Animal:")).expect("base class");
    assert!(!dog.readonly, "methods of Dog are used, so Dog is working code");
    // `self.describe()` in `Dog.speak` reaches `Animal.describe`: the base class is working code too.
    assert!(!animal.readonly, "Animal.describe is reached through self");
    assert!(animal.id < dog.id, "base class first: {}", consolidated.text);
    let elsewhere = tempfile::tempdir().unwrap();
    let file = elsewhere.path().join("consolidated.py");
    fs::write(&file, &consolidated.text).unwrap();
    let script = |import: &str| format!("{import}\nprint(chorus(['rex', 'fido']))\n");
    let alone = python(&script(&format!("import runpy\nchorus = runpy.run_path({file:?})['chorus']")), elsewhere.path());
    let original = python(&script("import sys\nsys.path.insert(0, '.')\nfrom zoo.main import chorus"), project.dir.path());
    assert_eq!(alone, original);
    assert_eq!(alone.trim(), "rex says woof on 4 legs / fido says woof on 4 legs");
}

#[test]
fn python_bad_input_gives_errors_or_reports_never_panics() {
    let project = Project::new(&[("m.py", "def ok(x):\n    return x +\n\ndef other(:\n")]);
    let sources = |p: &Path| fs::read_to_string(p).ok();
    let missing = consolidate(&project.index, &sources, &project.path("m.py"), "absent", 3);
    assert!(matches!(missing, Err(ConsolidateError::FunctionNotFound { .. })), "{missing:?}");
    let unknown = consolidate(&project.index, &sources, &project.path("nope.py"), "ok", 3);
    assert!(matches!(unknown, Err(ConsolidateError::UnknownFile(_))), "{unknown:?}");

    let shop = shop();
    let consolidated = shop.consolidate("shop/orders.py", "order_total");
    for garbage in ["", "\u{0}\u{1}# weco:begin piece=99\n# weco:end piece=x", "# weco:end piece=1\n"] {
        let mapped = map_back(&consolidated, garbage);
        assert_eq!(mapped.edit_count(), 0, "{garbage:?}: {mapped:?}");
        assert!(!mapped.unmapped.is_empty(), "{garbage:?}");
    }
    let everything_gone = map_back(&consolidated, "");
    assert_eq!(everything_gone.unmapped.len(), consolidated.pieces.len());
    assert!(everything_gone.unmapped.iter().all(|u| u.reason == UnmappedReason::MarkersMissing));
}

#[test]
fn python_new_import_goes_to_the_import_block_of_the_file_whose_piece_uses_it() {
    let project = shop();
    let consolidated = project.consolidate("shop/orders.py", "order_total");
    let optimized = consolidated
        .text
        .replacen("import math\n", "import math\nfrom decimal import Decimal\n", 1)
        .replace("return round(x * (1 + TAX_RATE), 2)", "return float(round(Decimal(str(x)) * Decimal(str(1 + TAX_RATE)), 2))");
    let mapped = map_back(&consolidated, &optimized);
    assert!(mapped.unmapped.is_empty(), "{mapped:?}");
    let pricing = project.edited(&mapped, "shop/pricing.py");
    assert!(pricing.starts_with("from .constants import TAX_RATE\nfrom . import text as t\nfrom decimal import Decimal\n\n\ndef helper(x):\n"), "{pricing}");
    assert!(pricing.contains("return float(round(Decimal(str(x)) * Decimal(str(1 + TAX_RATE)), 2))"), "{pricing}");
    assert_eq!(mapped.files.len(), 1, "{mapped:?}");
}
