//! Evaluation of `__FUNCTION__` for weco-lsp: correctness against baseline.rs, then `__METRIC__`.
//! Generated from weco-lsp's template `rust_harness`; run it with `bash evaluate.sh`, which appends
//! `src/inputs.rs` to copies of baseline.rs and optimize.rs (under `gen/`) and builds this crate in release.
//! It prints exactly one `__METRIC__: value` line, last. The code under test never runs the timer or the comparison.
#![allow(warnings)]

#[path = "../gen/baseline.rs"]
mod baseline;
#[path = "../gen/candidate.rs"]
mod candidate;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt::Debug;
use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

const METRIC: &str = "__METRIC__";
/// `speedup` or `latency_ms`.
const METRIC_KIND: &str = "__METRIC_KIND__";
const INPUTS: &str = "__INPUTS__";
/// Seconds of timing per side, roughly.
const TARGET_SECONDS: f64 = __TARGET_SECONDS__;
/// Identical code measures within a percent or so of 1.0; smaller gains are not claimed.
const MIN_GAIN: f64 = 0.02;
/// A timed unit lasts about this long (several fast calls, or one slow call).
const UNIT_SECONDS: f64 = 1e-3;
/// Floats are equal when within this relative (or absolute, near zero) difference.
const REL_TOLERANCE: f64 = 1e-7;
const ABS_TOLERANCE: f64 = 1e-9;

// ------------------------------------------------------------------ comparable values

/// A comparable form of a value: maps and sets sorted, floats kept apart for a tolerant comparison.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum Value {
    Unit,
    Bool(bool),
    Int(i128),
    Float(f64),
    Text(String),
    Seq(Vec<Value>),
    Map(Vec<(Value, Value)>),
    /// `{:?}` of a type the harness does not know (compared exactly).
    Debug(String),
}

/// Turns a value into a [`Value`]; implemented for the standard types the inputs and results use.
pub trait Canon {
    fn canon(&self) -> Value;
}

macro_rules! canon_int { ($($t:ty),*) => { $(impl Canon for $t { fn canon(&self) -> Value { Value::Int(*self as i128) } })* }; }
canon_int!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, usize);
impl Canon for u128 { fn canon(&self) -> Value { Value::Text(self.to_string()) } }
impl Canon for f32 { fn canon(&self) -> Value { Value::Float(*self as f64) } }
impl Canon for f64 { fn canon(&self) -> Value { Value::Float(*self) } }
impl Canon for bool { fn canon(&self) -> Value { Value::Bool(*self) } }
impl Canon for char { fn canon(&self) -> Value { Value::Text(self.to_string()) } }
impl Canon for () { fn canon(&self) -> Value { Value::Unit } }
impl Canon for str { fn canon(&self) -> Value { Value::Text(self.to_string()) } }
impl Canon for String { fn canon(&self) -> Value { Value::Text(self.clone()) } }
impl<T: Canon + ?Sized> Canon for &T { fn canon(&self) -> Value { (**self).canon() } }
impl<T: Canon + ?Sized> Canon for &mut T { fn canon(&self) -> Value { (**self).canon() } }
impl<T: Canon + ?Sized> Canon for Box<T> { fn canon(&self) -> Value { (**self).canon() } }
impl<T: Canon> Canon for [T] { fn canon(&self) -> Value { Value::Seq(self.iter().map(Canon::canon).collect()) } }
impl<T: Canon, const N: usize> Canon for [T; N] { fn canon(&self) -> Value { self[..].canon() } }
impl<T: Canon> Canon for Vec<T> { fn canon(&self) -> Value { self[..].canon() } }
impl<T: Canon> Canon for VecDeque<T> { fn canon(&self) -> Value { Value::Seq(self.iter().map(Canon::canon).collect()) } }
impl<T: Canon> Canon for Option<T> {
    fn canon(&self) -> Value {
        match self { None => Value::Seq(vec![]), Some(v) => Value::Seq(vec![Value::Unit, v.canon()]) }
    }
}
impl<T: Canon, E: Debug> Canon for Result<T, E> {
    fn canon(&self) -> Value {
        match self { Ok(v) => Value::Seq(vec![Value::Bool(true), v.canon()]), Err(e) => Value::Debug(format!("Err({e:?})")) }
    }
}
fn sorted(mut entries: Vec<(Value, Value)>) -> Value {
    entries.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    Value::Map(entries)
}
impl<K: Canon, V: Canon, S> Canon for HashMap<K, V, S> {
    fn canon(&self) -> Value { sorted(self.iter().map(|(k, v)| (k.canon(), v.canon())).collect()) }
}
impl<K: Canon, V: Canon> Canon for BTreeMap<K, V> {
    fn canon(&self) -> Value { sorted(self.iter().map(|(k, v)| (k.canon(), v.canon())).collect()) }
}
impl<T: Canon, S> Canon for HashSet<T, S> {
    fn canon(&self) -> Value { sorted(self.iter().map(|k| (k.canon(), Value::Unit)).collect()) }
}
impl<T: Canon> Canon for BTreeSet<T> {
    fn canon(&self) -> Value { sorted(self.iter().map(|k| (k.canon(), Value::Unit)).collect()) }
}
macro_rules! canon_tuple {
    ($(($($n:tt $t:ident),+)),*) => { $(impl<$($t: Canon),+> Canon for ($($t,)+) {
        fn canon(&self) -> Value { Value::Seq(vec![$(self.$n.canon()),+]) }
    })* };
}
canon_tuple!((0 A), (0 A, 1 B), (0 A, 1 B, 2 C), (0 A, 1 B, 2 C, 3 D), (0 A, 1 B, 2 C, 3 D, 4 E), (0 A, 1 B, 2 C, 3 D, 4 E, 5 F));

/// The comparable form of a value of a type the harness does not know: its `{:?}`.
pub fn debug_value<T: Debug + ?Sized>(value: &T) -> Value {
    Value::Debug(format!("{value:?}"))
}

/// Where `expected` and `actual` first differ (`None` when equal, floats within tolerance).
fn difference(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Float(a), Value::Float(b)) => {
            let close = a == b
                || (a.is_nan() && b.is_nan())
                || (a - b).abs() <= ABS_TOLERANCE.max(REL_TOLERANCE * a.abs().max(b.abs()));
            (!close).then(|| format!("{path}: expected {a:?}, got {b:?}"))
        }
        (Value::Seq(a), Value::Seq(b)) => {
            if a.len() != b.len() {
                return Some(format!("{path}: expected {} items, got {}", a.len(), b.len()));
            }
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| difference(x, y, &format!("{path}[{i}]")))
        }
        (Value::Map(a), Value::Map(b)) => {
            if a.len() != b.len() {
                return Some(format!("{path}: expected {} entries, got {}", a.len(), b.len()));
            }
            a.iter().zip(b).find_map(|((ka, va), (kb, vb))| {
                difference(ka, kb, &format!("{path} key")).or_else(|| difference(va, vb, &format!("{path}[{}]", short(ka))))
            })
        }
        _ if expected == actual => None,
        _ => Some(format!("{path}: expected {}, got {}", short(expected), short(actual))),
    }
}

fn short(value: &Value) -> String {
    let text = match value {
        Value::Int(i) => i.to_string(),
        Value::Text(t) => format!("{t:?}"),
        Value::Debug(d) => d.clone(),
        other => format!("{other:?}"),
    };
    if text.chars().count() > 80 { format!("{}…", text.chars().take(80).collect::<String>()) } else { text }
}

// ------------------------------------------------------------------ one side

/// What the harness needs of baseline or candidate: inputs and the call (both from `src/inputs.rs`).
struct Side<I, O> {
    name: &'static str,
    inputs: Vec<I>,
    call: fn(&mut I) -> O,
    output_value: fn(&O) -> Value,
    input_value: fn(&I) -> Value,
}

/// The result of one call, or its panic message.
fn run_call<I: Clone, O>(side: &Side<I, O>, index: usize) -> Result<(Value, Value), String> {
    let mut input = side.inputs[index].clone();
    let call = side.call;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(&mut input)));
    match outcome {
        Ok(output) => Ok(((side.output_value)(&output), (side.input_value)(&input))),
        Err(payload) => Err(payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into())),
    }
}

/// A violated constraint, or the indices of the inputs the baseline accepts.
fn check_correctness<I: Clone, O, J: Clone, P>(base: &Side<I, O>, cand: &Side<J, P>) -> Result<Vec<usize>, String> {
    if base.inputs.len() != cand.inputs.len() {
        return Err("make_inputs() gave a different number of inputs to the candidate".into());
    }
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut usable = Vec::new();
    let mut problem = None;
    for index in 0..base.inputs.len() {
        let expected = run_call(base, index);
        let actual = run_call(cand, index);
        let found = match (&expected, &actual) {
            (Ok((out_e, in_e)), Ok((out_a, in_a))) => difference(out_e, out_a, "result")
                .or_else(|| difference(in_e, in_a, "arguments after the call")),
            (Err(_), Err(_)) => None,
            (Ok(_), Err(message)) => Some(format!("the candidate panicked ({message}) where the baseline returned")),
            (Err(message), Ok(_)) => Some(format!("the candidate returned where the baseline panicked ({message})")),
        };
        if let Some(found) = found {
            problem = Some(format!("the candidate's output differs from the baseline's on input {index}: {found}"));
            break;
        }
        if expected.is_ok() {
            usable.push(index);
        }
    }
    std::panic::set_hook(previous_hook);
    match problem {
        Some(p) => Err(p),
        None => Ok(usable),
    }
}

// ------------------------------------------------------------------ timing

#[repr(C)]
struct Timespec {
    seconds: i64,
    nanos: i64,
}

// `unsafe extern` (Rust 1.82) is what edition 2024 requires and every earlier edition accepts.
unsafe extern "C" {
    fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
}

/// CPU time of the whole process (all threads), so that a candidate using threads is charged for them.
fn process_cpu_seconds() -> f64 {
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    let mut time = Timespec { seconds: 0, nanos: 0 };
    if unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut time) } != 0 {
        return f64::NAN;
    }
    time.seconds as f64 + time.nanos as f64 * 1e-9
}

/// Wall and CPU seconds of calling `side` on each of `batch` (fresh clones, prepared outside the timing).
fn time_batch<I, O>(side: &Side<I, O>, batch: &mut [I]) -> (f64, f64) {
    let call = side.call;
    let cpu_start = process_cpu_seconds();
    let start = Instant::now();
    for input in batch.iter_mut() {
        black_box(call(black_box(input)));
    }
    (start.elapsed().as_secs_f64(), process_cpu_seconds() - cpu_start)
}

fn fresh<I: Clone>(side_inputs: &[I], usable: &[usize], count: usize, offset: usize) -> Vec<I> {
    (0..count).map(|k| side_inputs[usable[(k + offset) % usable.len()]].clone()).collect()
}

fn median(values: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 { sorted[middle] } else { (sorted[middle - 1] + sorted[middle]) / 2.0 }
}

/// 1.4826 × median absolute deviation / median: the coefficient of variation, robust to one interrupted round.
fn robust_cv(values: &[f64]) -> f64 {
    let middle = median(values);
    if !(middle > 0.0) {
        return 0.0;
    }
    let deviations: Vec<f64> = values.iter().map(|v| (v - middle).abs()).collect();
    1.4826 * median(&deviations) / middle
}

/// A tiny deterministic generator, so the order of sides is random but reproducible.
struct Order(u64);
impl Order {
    fn heads(&mut self) -> bool {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 & 1 == 0
    }
}

struct Measurement {
    rounds: usize,
    calls_per_round: usize,
    calls_per_unit: usize,
    clock: &'static str,
    baseline_seconds_per_call: f64,
    candidate_seconds_per_call: f64,
    ratio_median: f64,
    round_ratios: Vec<f64>,
    cv: f64,
}

/// Interleaved timing: every round times many units of baseline and candidate on the same inputs in random
/// order; per round the median unit of each side; the result is the median ratio over rounds.
fn measure_pair<I: Clone, O, J: Clone, P>(base: &Side<I, O>, cand: &Side<J, P>, usable: &[usize]) -> Measurement {
    for _ in 0..3 {
        time_batch(base, &mut fresh(&base.inputs, usable, 1, 0));
        time_batch(cand, &mut fresh(&cand.inputs, usable, 1, 0));
    }
    let mut probe_inputs = fresh(&base.inputs, usable, usable.len(), 0);
    let probe = (time_batch(base, &mut probe_inputs).0 / usable.len() as f64).max(1e-8);
    let cost = 2.0 * probe;
    let rounds = if cost * 20.0 < TARGET_SECONDS { 9 } else { ((TARGET_SECONDS / cost) as usize).clamp(3, 9) };
    let per_round = ((TARGET_SECONDS / (rounds as f64 * cost)) as usize).clamp(1, 100_000);
    let mut unit = ((UNIT_SECONDS / probe) as usize).clamp(1, per_round);
    if INPUTS != "type_hints" {
        // a fixed pool may mix tiny and large inputs: every unit takes each input once, so units compare alike
        unit = usable.len() * (unit / usable.len()).max(1);
    }
    let units = (per_round / unit).max(1);
    let mut order = Order(0x9E37_79B9_7F4A_7C15);
    let started = Instant::now();
    let mut per_round_data: Vec<[Vec<f64>; 4]> = Vec::new();
    for round in 0..rounds {
        if round >= 3 && started.elapsed().as_secs_f64() > 2.5 * TARGET_SECONDS {
            break; // a busy machine stretches wall time; three rounds still give a median and a spread
        }
        let mut data: [Vec<f64>; 4] = Default::default();
        for i in 0..units {
            let offset = round * 7 + i * unit;
            let mut base_batch = fresh(&base.inputs, usable, unit, offset);
            let mut cand_batch = fresh(&cand.inputs, usable, unit, offset);
            let (b, c) = if order.heads() {
                let b = time_batch(base, &mut base_batch);
                (b, time_batch(cand, &mut cand_batch))
            } else {
                let c = time_batch(cand, &mut cand_batch);
                (time_batch(base, &mut base_batch), c)
            };
            for (series, value) in data.iter_mut().zip([b.0, b.1, c.0, c.1]) {
                series.push(value / unit as f64);
            }
        }
        per_round_data.push(data);
    }
    // Process CPU time ignores the pauses other processes cause; it is used when both sides are single-threaded
    // CPU-bound work (CPU share near one, and neither side sleeping while the other computes).
    let share = |wall: usize, cpu: usize| {
        let walls: f64 = per_round_data.iter().flat_map(|d| d[wall].iter()).sum();
        let cpus: f64 = per_round_data.iter().flat_map(|d| d[cpu].iter()).sum();
        if walls > 0.0 { cpus / walls } else { f64::NAN }
    };
    let (base_share, cand_share) = (share(0, 1), share(2, 3));
    let use_cpu = base_share.max(cand_share) <= 1.15 && base_share.min(cand_share) >= 0.5 * base_share.max(cand_share);
    let (base_k, cand_k) = if use_cpu { (1, 3) } else { (0, 2) };
    let base_times: Vec<f64> = per_round_data.iter().map(|d| median(&d[base_k])).collect();
    let cand_times: Vec<f64> = per_round_data.iter().map(|d| median(&d[cand_k])).collect();
    let ratios: Vec<f64> = base_times.iter().zip(&cand_times).map(|(b, c)| b / c.max(1e-12)).collect();
    Measurement {
        rounds: ratios.len(),
        calls_per_round: units * unit,
        calls_per_unit: unit,
        clock: if use_cpu { "process_cpu" } else { "wall" },
        baseline_seconds_per_call: median(&base_times),
        candidate_seconds_per_call: median(&cand_times),
        ratio_median: median(&ratios),
        cv: robust_cv(&ratios),
        round_ratios: ratios,
    }
}

// ------------------------------------------------------------------ output

fn out(line: &str) {
    let stdout = std::io::stdout();
    let mut handle = stdout.lock();
    let _ = writeln!(handle, "{line}");
    let _ = handle.flush();
}

fn number(value: f64) -> String {
    if value.is_finite() { format!("{value}") } else { "null".into() }
}

/// `last_eval.json` next to evaluate.sh (the working directory), written atomically.
fn write_details(m: &Measurement, extra: &[(&str, f64)]) {
    let ratios: Vec<String> = m.round_ratios.iter().map(|r| number(*r)).collect();
    let mut fields = vec![
        format!("\"metric\": \"{METRIC}\""),
        format!("\"inputs\": \"{INPUTS}\""),
        format!("\"rounds\": {}", m.rounds),
        format!("\"calls_per_round\": {}", m.calls_per_round),
        format!("\"calls_per_unit\": {}", m.calls_per_unit),
        format!("\"clock\": \"{}\"", m.clock),
        format!("\"baseline_seconds_per_call\": {}", number(m.baseline_seconds_per_call)),
        format!("\"candidate_seconds_per_call\": {}", number(m.candidate_seconds_per_call)),
        format!("\"ratio_median\": {}", number(m.ratio_median)),
        format!("\"round_ratios\": [{}]", ratios.join(", ")),
        format!("\"cv\": {}", number(m.cv)),
    ];
    fields.extend(extra.iter().map(|(name, value)| format!("\"{name}\": {}", number(*value))));
    let text = format!("{{\n  {}\n}}\n", fields.join(",\n  "));
    if std::fs::write("last_eval.json.tmp", text).is_ok() {
        let _ = std::fs::rename("last_eval.json.tmp", "last_eval.json");
    }
}

fn violated(prose: &str) {
    out(&format!("Constraint violated: {prose}"));
}

fn evaluate<I: Clone, O, J: Clone, P>(base: Side<I, O>, cand: Side<J, P>) -> i32 {
    if base.inputs.is_empty() {
        out("make_inputs() in src/inputs.rs returned no inputs; fill it in with representative calls.");
        return 2;
    }
    let usable = match check_correctness(&base, &cand) {
        Ok(usable) => usable,
        Err(problem) => {
            violated(&problem);
            if METRIC_KIND == "speedup" {
                out(&format!("{METRIC}: 0"));
            }
            return if METRIC_KIND == "speedup" { 0 } else { 3 };
        }
    };
    if usable.is_empty() {
        out("Every input makes the baseline panic; make_inputs() in src/inputs.rs needs inputs it accepts.");
        return 2;
    }
    let m = measure_pair(&base, &cand, &usable);
    if METRIC_KIND == "latency_ms" {
        let latency = m.candidate_seconds_per_call * 1000.0;
        write_details(&m, &[("latency_ms", latency)]);
        out(&format!("baseline {:.6} ms/call, cv {:.2}%", m.baseline_seconds_per_call * 1000.0, m.cv * 100.0));
        out(&format!("{METRIC}: {latency:.6}"));
        return 0;
    }
    let noise = (2.0 * m.cv).max(MIN_GAIN);
    let reported = if m.ratio_median > 1.0 + noise { m.ratio_median } else { 1.0 };
    write_details(&m, &[("speedup", reported), ("noise_threshold", 1.0 + noise)]);
    out(&format!(
        "{} {:.6e} s/call, {} {:.6e} s/call ({} time), ratio {:.4}, cv {:.2}%, {} rounds x {} calls",
        base.name, m.baseline_seconds_per_call, cand.name, m.candidate_seconds_per_call, m.clock, m.ratio_median,
        m.cv * 100.0, m.rounds, m.calls_per_round
    ));
    out(&format!("{METRIC}: {reported:.4}"));
    0
}

fn main() {
    let base = Side {
        name: "baseline",
        inputs: baseline::__weco_inputs::make_inputs(),
        call: baseline::__weco_inputs::call,
        output_value: baseline::__weco_inputs::output_value,
        input_value: baseline::__weco_inputs::input_value,
    };
    let cand = Side {
        name: "candidate",
        inputs: candidate::__weco_inputs::make_inputs(),
        call: candidate::__weco_inputs::call,
        output_value: candidate::__weco_inputs::output_value,
        input_value: candidate::__weco_inputs::input_value,
    };
    std::process::exit(evaluate(base, cand));
}
