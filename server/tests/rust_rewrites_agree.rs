//! Compile-and-agree checks for the Rust loop rewrites: each original function and its rewrite are compiled
//! into one program with `rustc` and run on a few hundred pseudo-random inputs (a fixed-seed LCG); the two
//! versions must return the same values. Skipped, with a note, where no `rustc` can be found.

use std::path::{Path, PathBuf};
use std::process::Command;

use weco_lsp::analysis::Language;
use weco_lsp::engine::local::rewrites::catalogue;

/// The `rustc` next to the `cargo` that built this test, else the one on `PATH`.
fn rustc() -> Option<PathBuf> {
    let sibling = Path::new(env!("CARGO")).with_file_name(format!("rustc{}", std::env::consts::EXE_SUFFIX));
    [sibling, PathBuf::from("rustc")].into_iter().find(|candidate| Command::new(candidate).arg("--version").output().is_ok_and(|o| o.status.success()))
}

/// Small deterministic generator shared by every program.
const LCG: &str = r#"
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    fn list(&mut self, max_len: u64, below: u64) -> Vec<u32> {
        let n = self.below(max_len + 1);
        (0..n).map(|_| self.below(below) as u32).collect()
    }
}
fn cases(mut check: impl FnMut(&mut Lcg)) {
    for seed in [1u64, 7, 2024] {
        let mut r = Lcg(seed);
        for _ in 0..150 {
            check(&mut r);
        }
    }
}
"#;

/// Rewrites each of `functions` in `source` with the rewrite `id` (each must be rewritten), compiles the
/// original as `mod original` and the result as `mod rewritten` next to `main`, and runs the program.
#[allow(clippy::print_stderr)] // the note that the compile check was skipped
fn agree(id: &str, functions: &[&str], source: &str, main: &str) {
    let rewrite = catalogue(Language::Rust).into_iter().find(|r| r.id == id).unwrap_or_else(|| panic!("{id} is in the catalogue"));
    let mut rewritten = source.to_string();
    for function in functions {
        rewritten = (rewrite.apply)(&rewritten, Some(function)).unwrap_or_else(|| panic!("{id} rewrites {function}:\n{rewritten}"));
    }
    let Some(rustc) = rustc() else {
        eprintln!("note: no rustc found, {id} not compiled");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let program = format!("#![allow(warnings)]\nmod original {{\n{source}\n}}\nmod rewritten {{\n{rewritten}\n}}\n{LCG}\nfn main() {{\n{main}\n}}\n");
    let main_rs = dir.path().join("main.rs");
    std::fs::write(&main_rs, &program).expect("program written");
    let binary = dir.path().join("agree");
    let compiled = Command::new(&rustc).args(["--edition", "2021", "-O", "-o"]).arg(&binary).arg(&main_rs).output().expect("rustc runs");
    assert!(compiled.status.success(), "{id}: the program does not compile:\n{}\n{program}", String::from_utf8_lossy(&compiled.stderr));
    let ran = Command::new(&binary).output().expect("program runs");
    assert!(ran.status.success(), "{id}: original and rewrite disagree:\n{}\n{rewritten}", String::from_utf8_lossy(&ran.stderr));
}

#[test]
fn dedup_hashset_agrees_with_the_linear_scan() {
    let source = r#"
pub fn unique(xs: &[u32]) -> Vec<u32> {
    let mut out = Vec::new();
    for x in xs {
        if !out.contains(x) {
            out.push(*x);
        }
    }
    out
}

pub fn unique_words(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

pub fn unique_refs(xs: &[u32]) -> Vec<&u32> {
    let mut out = vec![];
    for x in xs.iter() { if !out.contains(&x) { out.push(x); } }
    out
}

pub fn unique_pairs(ps: &[(u32, char)]) -> Vec<(u32, char)> {
    let mut v = Vec::with_capacity(ps.len());
    for p in ps.iter().copied() {
        if p.0 % 5 != 0 {
            if !v.contains(&p) {
                v.push(p);
            }
        }
    }
    v
}
"#;
    let main = r#"
    cases(|r| {
        let xs = r.list(40, 12);
        assert_eq!(original::unique(&xs), rewritten::unique(&xs));
        assert_eq!(original::unique_refs(&xs), rewritten::unique_refs(&xs));
        let words: Vec<String> = xs.iter().map(|x| format!("w{}", x % 7)).collect();
        assert_eq!(original::unique_words(words.clone()), rewritten::unique_words(words));
        let pairs: Vec<(u32, char)> = xs.iter().map(|x| (x % 4, if x % 3 == 0 { 'a' } else { 'b' })).collect();
        assert_eq!(original::unique_pairs(&pairs), rewritten::unique_pairs(&pairs));
    });
"#;
    agree("rust-dedup-hashset", &["unique", "unique_words", "unique_refs", "unique_pairs"], source, main);
}

#[test]
fn sort_once_agrees_with_sorting_after_every_push() {
    let source = r#"
pub fn sorted(xs: &[u32]) -> Vec<u64> {
    let mut v = Vec::new();
    for x in xs {
        v.push(*x as u64 * 3 % 17);
        v.sort();
    }
    v
}

// Stability matters here: equal keys must stay in push order.
pub fn by_key(xs: &[u32]) -> Vec<(u32, u32)> {
    let mut v = Vec::new();
    for (i, x) in xs.iter().enumerate() {
        v.push((x % 3, i as u32));
        v.sort_by_key(|p| std::cmp::Reverse(p.0));
    }
    v
}

pub fn batches(n: u32) -> Vec<u32> {
    let mut v = Vec::new();
    let mut i = 0;
    while i < n {
        if i % 3 != 0 {
            v.extend([i * 7 % 11, i % 4]);
        }
        v.sort_unstable();
        i += 1;
    }
    v
}
"#;
    let main = r#"
    cases(|r| {
        let xs = r.list(40, 50);
        assert_eq!(original::sorted(&xs), rewritten::sorted(&xs));
        assert_eq!(original::by_key(&xs), rewritten::by_key(&xs));
        let n = r.below(30) as u32;
        assert_eq!(original::batches(n), rewritten::batches(n));
    });
"#;
    agree("rust-sort-once", &["sorted", "by_key", "batches"], source, main);
}

#[test]
fn format_write_agrees_with_appending_temporaries() {
    let source = r#"
pub fn render(xs: &[u32]) -> String {
    let mut s = String::new();
    for x in xs {
        s.push_str(&format!("{x},"));
        s += &format!("[{:>3}]", x % 7);
        s.push_str(&x.to_string());
    }
    s
}

pub fn append(out: &mut String, n: usize, words: &[&str]) {
    for i in 0..n {
        out.push_str(&i.to_string());
        for w in words {
            out.push_str(&format!("<{}:{w}>", w.len()));
        }
    }
}
"#;
    let main = r#"
    let words = ["a", "bb", "", "ccc"];
    cases(|r| {
        let xs = r.list(20, 1000);
        assert_eq!(original::render(&xs), rewritten::render(&xs));
        let n = r.below(6) as usize;
        let k = r.below(5) as usize;
        let (mut a, mut b) = (String::from("start"), String::from("start"));
        original::append(&mut a, n, &words[..k]);
        rewritten::append(&mut b, n, &words[..k]);
        assert_eq!(a, b);
    });
"#;
    agree("rust-format-write", &["render", "append"], source, main);
}

#[test]
fn collect_then_iterate_agrees_with_the_collected_vec() {
    let source = r#"
pub fn total(xs: &[u32]) -> u64 {
    let mut t = 0;
    let v: Vec<_> = xs.iter().map(|x| *x as u64 * 3).filter(|x| x % 2 == 0).collect();
    for x in v {
        t += x;
    }
    t
}

pub fn shout(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let v = s.split_whitespace().rev().collect::<Vec<_>>();
    for w in v {
        if w.len() > 1 {
            out.push(w.to_uppercase());
        }
    }
    out
}

pub fn first_big(xs: &[u32], limit: u32) -> Option<(usize, u32)> {
    let v: Vec<_> = xs.iter().copied().enumerate().skip(1).collect();
    for (i, x) in v {
        if x > limit {
            return Some((i, x));
        }
    }
    None
}
"#;
    let main = r#"
    cases(|r| {
        let xs = r.list(30, 100);
        assert_eq!(original::total(&xs), rewritten::total(&xs));
        let text: String = xs.iter().map(|x| if x % 4 == 0 { ' ' } else { (b'a' + (x % 26) as u8) as char }).collect();
        assert_eq!(original::shout(&text), rewritten::shout(&text));
        let limit = r.below(100) as u32;
        assert_eq!(original::first_big(&xs, limit), rewritten::first_big(&xs, limit));
    });
"#;
    agree("rust-collect-then-iterate", &["total", "shout", "first_big"], source, main);
}
