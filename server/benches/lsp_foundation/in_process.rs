//! In-process measurements: bare parse against whole-file analysis, the per-`didChange` work of
//! the document store, and indexing a package, all through the server crate's own functions.

use std::path::Path;
use std::time::{Duration, Instant};

use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};
use tree_sitter::{InputEdit, Parser, Point, Tree};
use weco_lsp::analysis;
use weco_lsp::lsp::documents::DocumentStore;
use weco_lsp::lsp::position::PositionEncoding;
use weco_lsp::workspace::{self, ProjectLayout};

use crate::inputs::Input;
use crate::stats::{Samples, median, process_cpu_time, thread_cpu_time};

pub struct WholeFile {
    pub bare_parse: Samples,
    pub parse_and_analysis: Samples,
    /// Per repetition, analysis time over the parse time measured right next to it.
    pub paired_ratios: Vec<f64>,
    /// The same pairs in thread CPU time, which time slices lost to other processes do not inflate.
    pub paired_cpu_ratios: Vec<f64>,
}

/// (a) a bare tree-sitter parse against (b) `analyze_source` (parse + whole-file analysis),
/// interleaved per repetition, alternating which goes first.
pub fn whole_file(input: &Input, repetitions: usize) -> WholeFile {
    let mut parser = Parser::new();
    parser.set_language(&input.language.grammar()).expect("grammar loads");
    let mut bare = || {
        let (started, cpu_started) = (Instant::now(), thread_cpu_time());
        let tree = parser.parse(&input.text, None).expect("parse");
        drop(tree);
        (started.elapsed(), thread_cpu_time() - cpu_started)
    };
    let full = || {
        let (started, cpu_started) = (Instant::now(), thread_cpu_time());
        let result = analysis::analyze_source(input.language, &input.text);
        let elapsed = (started.elapsed(), thread_cpu_time() - cpu_started);
        assert!(!result.functions.is_empty(), "{} has functions", input.name);
        elapsed
    };
    for _ in 0..2 {
        bare();
        full();
    }
    let mut out =
        WholeFile { bare_parse: Samples::default(), parse_and_analysis: Samples::default(), paired_ratios: Vec::new(), paired_cpu_ratios: Vec::new() };
    for repetition in 0..repetitions {
        let (b, f) = if repetition % 2 == 0 {
            let b = bare();
            (b, full())
        } else {
            let f = full();
            (bare(), f)
        };
        out.bare_parse.push(b.0);
        out.parse_and_analysis.push(f.0);
        out.paired_ratios.push(f.0.as_secs_f64() / b.0.as_secs_f64());
        out.paired_cpu_ratios.push(f.1.as_secs_f64() / b.1.as_secs_f64());
    }
    out
}

impl WholeFile {
    pub fn ratio_of_medians(&self) -> f64 {
        self.parse_and_analysis.median_ms() / self.bare_parse.median_ms()
    }

    pub fn median_paired_ratio(&self) -> f64 {
        median(&self.paired_ratios)
    }

    pub fn median_paired_cpu_ratio(&self) -> f64 {
        median(&self.paired_cpu_ratios)
    }
}

pub struct Incremental {
    /// `DocumentStore::change`: rope edit, tree edit, incremental reparse, analysis (what `didChange` runs).
    pub store_change: Samples,
    /// CPU time of the same calls on this thread: what the edit costs without other work competing for the cores.
    pub store_change_cpu: Samples,
    /// The same edit on a tree kept here: `tree.edit` + incremental reparse only.
    pub reparse: Samples,
    /// `analyze_tree` on that reparsed tree only: the whole-file re-analysis.
    pub analysis: Samples,
    /// `analysis::reanalyze` on the same tree, timed next to `analyze_tree` (alternating which
    /// goes first): what the store runs now, the changed function only when that is all an edit touches.
    pub incremental_analysis: Samples,
    /// A bare cursor walk visiting every node of that tree: the floor for any whole-tree analysis.
    pub tree_walk: Samples,
}

/// (c) one-character edits, alternately typing `x` and deleting it, through the document store,
/// then the same edit split into its reparse and analysis parts.
pub fn incremental(input: &Input, edits: usize) -> Incremental {
    let uri: Uri = format!("file://{}", input.path.display()).parse().expect("file uri");
    let mut store = DocumentStore::default();
    store.open(uri.clone(), input.language.name(), 1, input.text.clone()).expect("language is analysed");
    let mut text = input.text.clone();
    let mut parser = Parser::new();
    parser.set_language(&input.language.grammar()).expect("grammar loads");
    let mut tree = parser.parse(&text, None).expect("parse");
    let mut out = Incremental {
        store_change: Samples::default(),
        store_change_cpu: Samples::default(),
        reparse: Samples::default(),
        analysis: Samples::default(),
        incremental_analysis: Samples::default(),
        tree_walk: Samples::default(),
    };
    let mut previous = analysis::analyze_tree(input.language, Some(&tree), &text);
    let warmup = 4;
    // Store edits back to back, as a server sees them (the breakdown below would evict its caches).
    for i in 0..edits + warmup {
        let typing = i % 2 == 0;
        let (line, character) = (input.edit_line, input.edit_character);
        let end = if typing { character } else { character + 1 };
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(line, character), Position::new(line, end))),
            range_length: None,
            text: if typing { "x".into() } else { String::new() },
        };
        let (started, cpu_started) = (Instant::now(), thread_cpu_time());
        let result = store.change(&uri, i as i32 + 2, vec![change], PositionEncoding::Utf16).expect("document is open");
        let (store_elapsed, store_cpu) = (started.elapsed(), thread_cpu_time() - cpu_started);
        drop(result);
        if i >= warmup {
            out.store_change.push(store_elapsed);
            out.store_change_cpu.push(store_cpu);
        }
    }
    // The same edits split into their parts, on a tree kept here.
    for i in 0..edits + warmup {
        let timings = edit_own_tree(input, &mut parser, &mut tree, &mut text, &mut previous, i % 2 == 0);
        let walk_elapsed = walk_every_node(&tree);
        if i >= warmup {
            out.reparse.push(timings.reparse);
            out.analysis.push(timings.full);
            out.incremental_analysis.push(timings.incremental);
            out.tree_walk.push(walk_elapsed);
        }
    }
    let snapshot = store.get(&uri).expect("open");
    assert_eq!(*snapshot.text, *text, "store and direct edits agree");
    assert_eq!(*snapshot.analysis, analysis::analyze_source(input.language, &text), "incremental and fresh analysis agree");
    assert_eq!(previous, analysis::analyze_source(input.language, &text), "reanalyze and fresh analysis agree");
    out
}

/// Visits every node (named or not) with a cursor, reading what a walker minimally reads.
fn walk_every_node(tree: &Tree) -> Duration {
    let started = Instant::now();
    let mut cursor = tree.walk();
    let mut named = 0usize;
    'walk: loop {
        named += usize::from(cursor.node().is_named()) + usize::from(cursor.field_id().is_some());
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    let elapsed = started.elapsed();
    assert!(std::hint::black_box(named) > 0);
    elapsed
}

struct EditTimings {
    reparse: Duration,
    full: Duration,
    incremental: Duration,
}

/// One edit on a tree kept here: reparse, then whole-file analysis and `reanalyze` of the same
/// tree (order alternating with `typing`); checks they agree and keeps the result as `previous`.
fn edit_own_tree(input: &Input, parser: &mut Parser, tree: &mut Tree, text: &mut String, previous: &mut analysis::FileAnalysis, typing: bool) -> EditTimings {
    let at = input.edit_offset;
    let point = Point::new(input.edit_line as usize, at - text[..at].rfind('\n').map_or(0, |i| i + 1));
    let shifted = Point::new(point.row, point.column + 1);
    let edit = if typing {
        text.insert(at, 'x');
        InputEdit { start_byte: at, old_end_byte: at, new_end_byte: at + 1, start_position: point, old_end_position: point, new_end_position: shifted }
    } else {
        text.remove(at);
        InputEdit { start_byte: at, old_end_byte: at + 1, new_end_byte: at, start_position: point, old_end_position: shifted, new_end_position: point }
    };
    let started = Instant::now();
    tree.edit(&edit);
    let new_tree = parser.parse(text.as_str(), Some(tree)).expect("reparse");
    let reparse = started.elapsed();
    let full = || {
        let started = Instant::now();
        let result = analysis::analyze_tree(input.language, Some(&new_tree), text);
        (started.elapsed(), result)
    };
    let incremental = || {
        let started = Instant::now();
        let result = analysis::reanalyze(input.language, previous, Some(&*tree), Some(&new_tree), text, &[edit]);
        (started.elapsed(), result)
    };
    let ((full_elapsed, full_result), (incremental_elapsed, incremental_result)) = if typing {
        let f = full();
        (f, incremental())
    } else {
        let i = incremental();
        (full(), i)
    };
    assert_eq!(full_result, incremental_result, "reanalyze equals a whole-file analysis");
    *previous = incremental_result;
    *tree = new_tree;
    EditTimings { reparse, full: full_elapsed, incremental: incremental_elapsed }
}

pub struct Indexing {
    pub files_found: usize,
    pub files_indexed: usize,
    pub lines: usize,
    pub two_threads: Samples,
    pub one_thread: Samples,
    /// Process CPU time (all threads) of the 2-thread runs.
    pub two_threads_cpu: Samples,
}

/// (d) `workspace::build_index` on the package with 2 threads (and 1, to see the parallel gain).
pub fn index(root: &Path, repetitions: usize) -> Indexing {
    let layouts = [ProjectLayout::new(root)];
    let files = workspace::source_files(root);
    let lines = files.iter().filter_map(|f| std::fs::read_to_string(f).ok()).map(|t| t.lines().count()).sum();
    // Warm the page cache so that every repetition measures the same thing.
    let files_indexed = workspace::build_index(&layouts, 2).len();
    let mut out = Indexing {
        files_found: files.len(),
        files_indexed,
        lines,
        two_threads: Samples::default(),
        one_thread: Samples::default(),
        two_threads_cpu: Samples::default(),
    };
    for repetition in 0..repetitions {
        let run = |threads: usize| {
            let (started, cpu_started) = (Instant::now(), process_cpu_time());
            let index = workspace::build_index(&layouts, threads);
            let elapsed = (started.elapsed(), process_cpu_time() - cpu_started);
            assert_eq!(index.len(), files_indexed);
            elapsed
        };
        let mut two = || {
            let (wall, cpu) = run(2);
            out.two_threads.push(wall);
            out.two_threads_cpu.push(cpu);
        };
        if repetition % 2 == 0 {
            two();
            out.one_thread.push(run(1).0);
        } else {
            out.one_thread.push(run(1).0);
            two();
        }
    }
    out
}
