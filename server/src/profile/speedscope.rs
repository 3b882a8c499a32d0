//! speedscope's file format (py-spy `--format speedscope`, pyinstrument `-r speedscope`): shared frames, and profiles
//! that are either sampled (stacks with weights) or evented (open and close events at times). Also pyinstrument's own
//! JSON (`-r json`): a call tree whose nodes carry their inclusive time.

use serde_json::Value;

use super::{Format, Frame, Profile, Times, Unit};

const MAX_TREE_DEPTH: usize = 4096;

pub fn parse(json: &Value) -> Result<Profile, String> {
    let frames: Vec<Frame> = json["shared"]["frames"]
        .as_array()
        .ok_or("speedscope without shared.frames")?
        .iter()
        .map(|f| Frame {
            name: f["name"].as_str().unwrap_or("").to_string(),
            file: f["file"].as_str().unwrap_or("").to_string(),
            line: f["line"].as_u64().and_then(|l| u32::try_from(l).ok()).unwrap_or(0),
        })
        .collect();
    let mut stacks = Vec::new();
    let mut total = 0.0;
    let valid = |i: &Value| i.as_u64().and_then(|i| usize::try_from(i).ok()).filter(|&i| i < frames.len());
    for profile in json["profiles"].as_array().ok_or("speedscope without profiles")? {
        match profile["type"].as_str() {
            Some("sampled") => {
                let samples = profile["samples"].as_array().ok_or("a sampled profile without samples")?;
                let weights = profile["weights"].as_array();
                for (index, sample) in samples.iter().enumerate() {
                    let stack: Vec<usize> = sample.as_array().ok_or("a sample that is not a stack")?.iter().filter_map(valid).collect();
                    let weight = weights.and_then(|w| w.get(index)).and_then(Value::as_f64).filter(|w| w.is_finite() && *w >= 0.0).unwrap_or(1.0);
                    total += weight;
                    stacks.push((stack, weight));
                }
            }
            Some("evented") => total += evented(profile, &valid, &mut stacks)?,
            other => return Err(format!("speedscope profile of type {other:?}")),
        }
    }
    Ok(Profile { format: Format::Speedscope, unit: Unit::Seconds, frames, times: Times::Stacks(stacks), total })
}

/// Turns open/close events into one weighted stack per interval between events.
fn evented(profile: &Value, valid: &dyn Fn(&Value) -> Option<usize>, stacks: &mut Vec<(Vec<usize>, f64)>) -> Result<f64, String> {
    let mut open: Vec<usize> = Vec::new();
    let mut last = profile["startValue"].as_f64().unwrap_or(0.0);
    let mut total = 0.0;
    for event in profile["events"].as_array().ok_or("an evented profile without events")? {
        let at = event["at"].as_f64().filter(|a| a.is_finite()).ok_or("an event without a time")?;
        let frame = valid(&event["frame"]).ok_or("an event with a frame that is not in shared.frames")?;
        if at > last && !open.is_empty() {
            stacks.push((open.clone(), at - last));
            total += at - last;
        }
        last = last.max(at);
        match event["type"].as_str() {
            Some("O") => open.push(frame),
            Some("C") => {
                if let Some(position) = open.iter().rposition(|f| *f == frame) {
                    open.truncate(position);
                }
            }
            other => return Err(format!("an event of type {other:?}")),
        }
    }
    Ok(total)
}

pub fn parse_pyinstrument(json: &Value) -> Result<Profile, String> {
    let mut frames = Vec::new();
    let mut stacks = Vec::new();
    let root = &json["root_frame"];
    if !root.is_object() {
        return Err("pyinstrument JSON without a root frame".into());
    }
    // Depth-first over the call tree; each node's self time is its time less its children's.
    let mut pending: Vec<(&Value, Vec<usize>)> = vec![(root, Vec::new())];
    while let Some((node, mut path)) = pending.pop() {
        if path.len() > MAX_TREE_DEPTH {
            return Err("pyinstrument call tree deeper than a program's stack".into());
        }
        frames.push(Frame {
            name: node["function"].as_str().unwrap_or("").to_string(),
            file: node["file_path"].as_str().unwrap_or("").to_string(),
            line: node["line_no"].as_u64().and_then(|l| u32::try_from(l).ok()).unwrap_or(0),
        });
        path.push(frames.len() - 1);
        let time = node["time"].as_f64().filter(|t| t.is_finite() && *t >= 0.0).unwrap_or(0.0);
        let children = node["children"].as_array().map(Vec::as_slice).unwrap_or_default();
        let in_children: f64 = children.iter().filter_map(|c| c["time"].as_f64()).filter(|t| t.is_finite() && *t >= 0.0).sum();
        let own = (time - in_children).max(0.0);
        if own > 0.0 {
            stacks.push((path.clone(), own));
        }
        for child in children {
            pending.push((child, path.clone()));
        }
    }
    let total = root["time"].as_f64().filter(|t| t.is_finite() && *t >= 0.0).unwrap_or(0.0);
    Ok(Profile { format: Format::Pyinstrument, unit: Unit::Seconds, frames, times: Times::Stacks(stacks), total })
}
