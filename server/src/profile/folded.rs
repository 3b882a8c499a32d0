//! Collapsed ("folded") stacks: one line per distinct stack, `root;caller;leaf COUNT`. Frames as the usual tools
//! write them: `name (file:line)` (py-spy `--format raw`), `file:name:line` (austin), or a bare name (`perf script`
//! through stackcollapse, which knows no Python files and so maps to nothing).

use std::collections::HashMap;

use super::{Format, Frame, Profile, Times, Unit};

pub fn parse(text: &str) -> Result<Profile, String> {
    let mut frames: Vec<Frame> = Vec::new();
    let mut known: HashMap<&str, usize> = HashMap::new();
    let mut stacks = Vec::new();
    let mut total = 0.0;
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((stack, count)) = line.rsplit_once(' ') else { return Err(format!("line {}: no sample count", number + 1)) };
        let count: f64 =
            count.parse().ok().filter(|c: &f64| c.is_finite() && *c >= 0.0).ok_or_else(|| format!("line {}: {count:?} is not a sample count", number + 1))?;
        let mut indices = Vec::new();
        for part in stack.split(';').filter(|p| !p.trim().is_empty()) {
            let index = *known.entry(part).or_insert_with(|| {
                frames.push(frame(part.trim()));
                frames.len() - 1
            });
            indices.push(index);
        }
        total += count;
        stacks.push((indices, count));
    }
    if stacks.is_empty() {
        return Err("no stacks: not a folded-stack profile".into());
    }
    Ok(Profile { format: Format::Folded, unit: Unit::Samples, frames, times: Times::Stacks(stacks), total })
}

fn frame(text: &str) -> Frame {
    // py-spy: `name (path/to/file.py:12)`.
    if let Some(open) = text.rfind(" (")
        && let Some(inner) = text[open + 2..].strip_suffix(')')
        && let Some((file, line)) = inner.rsplit_once(':')
        && let Ok(line) = line.parse()
    {
        return Frame { name: text[..open].to_string(), file: file.to_string(), line };
    }
    // austin: `path/to/file.py:name:12`.
    let mut parts = text.rsplitn(3, ':');
    if let (Some(line), Some(name), Some(file)) = (parts.next(), parts.next(), parts.next())
        && let Ok(line) = line.parse()
        && file.ends_with(".py")
    {
        return Frame { name: name.to_string(), file: file.to_string(), line };
    }
    Frame { name: text.to_string(), file: String::new(), line: 0 }
}
