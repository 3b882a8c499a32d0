//! Scopes seen by the walk: what a frame records about names, loops and findings, and the fast
//! hasher its name tables use.

use crate::analysis::{ByteRange, Reason, ReasonKind};
use std::collections::{HashMap as StdHashMap, HashSet as StdHashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A small, fast hasher for the short name keys of scopes (the FxHash mix used by rustc):
/// the walk hashes several names per identifier, and SipHash would dominate the walk's cost.
#[derive(Default)]
pub(super) struct NameHasher(u64);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<NameHasher>>;
pub(super) type HashSet<K> = StdHashSet<K, BuildHasherDefault<NameHasher>>;

/// What a name is known to hold, as far as a cheap local look can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ValueKind {
    List,
    /// A list literal of a few items (`[A, B, C]`): scanning it is as cheap as a set lookup.
    ShortList,
    /// A tuple literal of enough items to be worth a set.
    Tuple,
    Dict,
    Set,
    Str,
    Other,
}

/// The latest binding of a name in a scope: its kind and the loop depth it was bound at.
#[derive(Debug, Clone, Copy)]
pub(super) struct Value {
    pub kind: ValueKind,
    pub loop_depth: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FrameKind {
    Module,
    Class,
    Function,
}

/// One scope being walked.
pub(super) struct Frame<'s> {
    pub kind: FrameKind,
    pub name: &'s str,
    pub qualified_name: String,
    /// Reachable from outside as `Class.attr` chains from the module (module, classes in classes).
    pub exported: bool,
    pub function_index: usize,
    pub is_method: bool,
    pub cached: bool,
    /// Compiled to machine code by its decorator (`@numba.njit`, `@jit`, `@cython.compile`): loop shapes there cost
    /// what they cost in C, so its findings are hints.
    pub compiled: bool,
    pub params: HashSet<&'s str>,
    pub locals: HashSet<&'s str>,
    pub declared_outer: HashSet<&'s str>,
    pub raw_uses: Vec<Vec<&'s str>>,
    pub values: HashMap<&'s str, Value>,
    /// Ranges of the loops enclosing the node being visited, outermost first.
    pub loops: Vec<ByteRange>,
    pub any_loop: bool,
    pub max_depth: usize,
    pub deepest_nest: ByteRange,
    pub statements: usize,
    pub recursive_calls: Vec<ByteRange>,
    /// Evidence that the recursive calls overlap (see `heuristics::overlap_weight`); under 2 the recursion is a chain
    /// or a descent over a structure, and "uncached recursion" is only a hint.
    pub overlap_weight: usize,
    /// The first inner loop that only searches another collection for an equal key (`for b in ys: if b.k == a.k`),
    /// the shape a dict index built once makes linear.
    pub search_nest: Option<ByteRange>,
    /// The first loop nested over the same size as a loop around it (see `square`), with its message.
    pub square_nest: Option<(ByteRange, String)>,
    pub memo_seen: bool,
    pub reasons: Vec<Reason>,
}

impl<'s> Frame<'s> {
    pub fn new(kind: FrameKind, name: &'s str, qualified_name: String, exported: bool) -> Self {
        Frame {
            kind,
            name,
            qualified_name,
            exported,
            function_index: usize::MAX,
            is_method: false,
            cached: false,
            compiled: false,
            params: HashSet::default(),
            locals: HashSet::default(),
            declared_outer: HashSet::default(),
            raw_uses: Vec::new(),
            values: HashMap::default(),
            loops: Vec::new(),
            any_loop: false,
            max_depth: 0,
            deepest_nest: 0..0,
            statements: 0,
            recursive_calls: Vec::new(),
            overlap_weight: 0,
            search_nest: None,
            square_nest: None,
            memo_seen: false,
            reasons: Vec::new(),
        }
    }

    pub fn loop_depth(&self) -> usize {
        self.loops.len()
    }

    pub fn is_param(&self, name: &str) -> bool {
        self.params.contains(name)
    }

    /// Records a reason, keeping at most a handful per kind so one hot spot cannot flood the list. Appends and
    /// regexes (which `re` caches) are always hints: a constant factor, not growth with the input; the caller says
    /// when a finding is a hint for its place (an `except` path, data that differs on each iteration).
    pub fn add_reason(&mut self, kind: ReasonKind, message: String, range: ByteRange, hint: bool) {
        const MAX_PER_KIND: usize = 8;
        if self.reasons.iter().filter(|r| r.kind == kind).count() < MAX_PER_KIND {
            let hint = hint || matches!(kind, ReasonKind::AppendInLoop | ReasonKind::RegexInLoop);
            self.reasons.push(Reason { kind, message, range, hint });
        }
    }

    pub fn bind(&mut self, name: &'s str, value: Value) {
        self.locals.insert(name);
        self.values.insert(name, value);
    }
}
