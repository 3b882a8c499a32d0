//! cProfile's `pstats` dump: a marshalled dict `{(file, line, name): (cc, nc, tt, ct, callers)}` with `tt` the time
//! spent in the function itself and `ct` the time including its callees (recursion counted once, by cProfile).

use super::marshal::{self, Value};
use super::{Format, Frame, Profile, Times, Unit};

pub fn parse(bytes: &[u8]) -> Result<Profile, String> {
    let Value::Dict(entries) = marshal::read(bytes)? else { return Err("a marshal file that is not a pstats dict".into()) };
    let mut frames = Vec::with_capacity(entries.len());
    let mut rows = Vec::with_capacity(entries.len());
    let mut total = 0.0;
    for (key, value) in entries {
        let (Value::Tuple(key), Value::Tuple(value)) = (key, value) else { return Err("a pstats entry that is not (key, stats)".into()) };
        let [Value::Str(file), Value::Int(line), Value::Str(name)] = key.as_slice() else { return Err("a pstats key that is not (file, line, name)".into()) };
        let (Some(self_time), Some(inclusive)) = (value.get(2).and_then(number), value.get(3).and_then(number)) else {
            return Err("pstats stats without tt and ct".into());
        };
        total += self_time;
        rows.push((frames.len(), self_time, inclusive));
        frames.push(Frame { name: name.clone(), file: file.clone(), line: u32::try_from(*line).unwrap_or(0) });
    }
    Ok(Profile { format: Format::Pstats, unit: Unit::Seconds, frames, times: Times::Totals(rows), total })
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Float(f) if f.is_finite() && *f >= 0.0 => Some(*f),
        Value::Int(i) if *i >= 0 => Some(*i as f64),
        _ => None,
    }
}
