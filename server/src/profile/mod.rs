//! Measured hotness from profiles users already have: cProfile/pstats files, speedscope JSON (py-spy, pyinstrument,
//! sampled and evented), pyinstrument's JSON, and collapsed/folded stacks (`perf script` folded, py-spy `--format raw`,
//! austin). Parsing is pure (bytes in, frames and times out); `attribute` maps frames to the analysis' functions by file
//! and line, so a function's share of the profiled time can rank it and show on its lens.

mod folded;
mod marshal;
mod pstats;
mod speedscope;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The format a profile was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pstats,
    Speedscope,
    Pyinstrument,
    Folded,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Pstats => "cProfile (pstats)",
            Format::Speedscope => "speedscope JSON",
            Format::Pyinstrument => "pyinstrument JSON",
            Format::Folded => "folded stacks",
        }
    }
}

/// What a profile's weights count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Seconds,
    /// Folded stacks count samples; their interval is not in the file.
    Samples,
}

/// One code location as the profiler names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub name: String,
    /// As written in the profile: absolute, relative to where it ran, or a pseudo-file (`~`, `<frozen ...>`).
    pub file: String,
    /// The function's first line or the line being run, depending on the profiler; 0 when unknown.
    pub line: u32,
}

/// A parsed profile: per-frame times either as stacks with weights (samplers) or as per-frame totals (cProfile).
#[derive(Debug, Clone)]
pub struct Profile {
    pub format: Format,
    pub unit: Unit,
    pub frames: Vec<Frame>,
    pub times: Times,
    /// The whole profiled time (or sample count): the denominator of shares.
    pub total: f64,
}

#[derive(Debug, Clone)]
pub enum Times {
    /// Stacks of frame indices (root first) and their weights.
    Stacks(Vec<(Vec<usize>, f64)>),
    /// Per frame: (self, inclusive).
    Totals(Vec<(usize, f64, f64)>),
}

/// The largest profile read; real ones are a few MB.
pub const MAX_PROFILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads and parses a profile file, telling the format from its content.
pub fn load(path: &Path) -> Result<Profile, String> {
    let size = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?.len();
    if size > MAX_PROFILE_BYTES {
        return Err(format!("{} is {size} bytes, more than the {MAX_PROFILE_BYTES} a profile may have", path.display()));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses profile bytes: JSON (speedscope or pyinstrument), a marshalled pstats dict, or folded text.
pub fn parse(bytes: &[u8]) -> Result<Profile, String> {
    let trimmed = bytes.iter().position(|b| !b.is_ascii_whitespace()).map_or(&bytes[..0], |start| &bytes[start..]);
    if trimmed.first() == Some(&b'{')
        && let Ok(json) = serde_json::from_slice::<serde_json::Value>(trimmed)
    {
        if json.get("root_frame").is_some() {
            return speedscope::parse_pyinstrument(&json);
        }
        if json.get("profiles").is_some() && json.get("shared").is_some() {
            return speedscope::parse(&json);
        }
        return Err("a JSON file that is neither speedscope (`profiles`, `shared`) nor pyinstrument (`root_frame`)".into());
    }
    if matches!(bytes.first().map(|b| b & 0x7f), Some(b'{')) {
        return pstats::parse(bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => folded::parse(text),
        Err(_) => Err("not a profile this server reads (cProfile/pstats, speedscope or pyinstrument JSON, folded stacks)".into()),
    }
}

/// A function of the analysis that frames can land in.
#[derive(Debug, Clone)]
pub struct Target {
    pub file: PathBuf,
    pub function: String,
    /// 1-based, inclusive.
    pub first_line: u32,
    pub last_line: u32,
}

/// A function's measured time.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Measured {
    pub self_time: f64,
    pub total_time: f64,
    /// `total_time` over the profile's whole time.
    pub share: f64,
    /// `self_time` over the profile's whole time: where the function's own body spends it.
    pub self_share: f64,
}

/// Maps every frame to the innermost target whose file matches and whose lines hold the frame's line, and sums the
/// times per target. A sample counts once for a function however often it recurses in the stack. `cwd` resolves the
/// relative paths that profilers write (relative to where the program ran).
pub fn attribute(profile: &Profile, targets: &[Target], cwd: &Path) -> HashMap<usize, Measured> {
    attribute_resolved(profile, &frame_paths(profile, cwd), targets)
}

/// Each frame's file as an absolute, normalized path (`None` for pseudo-files such as `~` and `<frozen ...>`):
/// computed once per profile, since resolving touches the filesystem.
pub fn frame_paths(profile: &Profile, cwd: &Path) -> Vec<Option<PathBuf>> {
    profile
        .frames
        .iter()
        .map(|frame| {
            if frame.file.is_empty() || frame.file.starts_with('<') || frame.file == "~" {
                return None;
            }
            let path = Path::new(&frame.file);
            Some(if path.is_absolute() { normalize(path) } else { normalize(&cwd.join(path)) })
        })
        .collect()
}

/// `attribute` with the frames' paths already resolved (`frame_paths`).
pub fn attribute_resolved(profile: &Profile, paths: &[Option<PathBuf>], targets: &[Target]) -> HashMap<usize, Measured> {
    // Targets come a file at a time (a document's functions): resolve each distinct file once, since it touches
    // the filesystem and this runs on every lens request.
    let mut normalized: HashMap<&Path, PathBuf> = HashMap::new();
    let mut by_file: HashMap<PathBuf, Vec<usize>> = HashMap::new();
    for (index, target) in targets.iter().enumerate() {
        let file = normalized.entry(target.file.as_path()).or_insert_with(|| normalize(&target.file)).clone();
        by_file.entry(file).or_default().push(index);
    }
    let target_of: Vec<Option<usize>> =
        profile.frames.iter().zip(paths).map(|(frame, path)| path.as_ref().and_then(|p| resolve(frame, p, targets, &by_file))).collect();
    let mut measured: HashMap<usize, Measured> = HashMap::new();
    match &profile.times {
        Times::Totals(rows) => {
            for &(frame, self_time, total_time) in rows {
                if let Some(Some(target)) = target_of.get(frame) {
                    let m = measured.entry(*target).or_default();
                    m.self_time += self_time;
                    m.total_time += total_time;
                }
            }
        }
        Times::Stacks(stacks) => {
            let mut seen = Vec::new();
            for (stack, weight) in stacks {
                seen.clear();
                for frame in stack {
                    if let Some(Some(target)) = target_of.get(*frame)
                        && !seen.contains(target)
                    {
                        seen.push(*target);
                        measured.entry(*target).or_default().total_time += weight;
                    }
                }
                // Pseudo-frames without a file (pyinstrument's `[self]`, `[await]`) are their parent's own time.
                let leaf = stack.iter().rev().find(|f| profile.frames.get(**f).is_some_and(|frame| !frame.file.is_empty()));
                if let Some(Some(leaf)) = leaf.and_then(|f| target_of.get(*f)) {
                    measured.entry(*leaf).or_default().self_time += weight;
                }
            }
        }
    }
    for m in measured.values_mut() {
        m.share = if profile.total > 0.0 { (m.total_time / profile.total).min(1.0) } else { 0.0 };
        m.self_share = if profile.total > 0.0 { (m.self_time / profile.total).min(1.0) } else { 0.0 };
    }
    measured
}

fn resolve(frame: &Frame, absolute: &Path, targets: &[Target], by_file: &HashMap<PathBuf, Vec<usize>>) -> Option<usize> {
    let path = Path::new(&frame.file);
    let candidates = by_file.get(absolute).or_else(|| {
        // A short name (py-spy without --full-filenames writes `pkg/mod.py`): the one target file that ends with it.
        let mut matching = by_file.keys().filter(|file| file.ends_with(path));
        let first = matching.next()?;
        matching.next().is_none().then(|| &by_file[first])
    })?;
    let line = frame.line;
    let holding = candidates.iter().copied().filter(|&i| line == 0 || (targets[i].first_line..=targets[i].last_line).contains(&line));
    // The innermost: the one that starts last (nested functions and methods start inside their parents).
    let best = holding.max_by_key(|&i| (targets[i].first_line, std::cmp::Reverse(targets[i].last_line)))?;
    // Without a line, only a name match says which function it is.
    (line != 0 || frame.name.rsplit('.').next() == targets[best].function.rsplit(['.', ':']).next()).then_some(best)
}

fn normalize(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.components().collect())
}

/// A profile file the server holds, with its frames' paths resolved against the root it was found in.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub source: PathBuf,
    pub profile: Profile,
    pub paths: Vec<Option<PathBuf>>,
}

impl Loaded {
    pub fn new(source: PathBuf, profile: Profile, root: &Path) -> Loaded {
        let paths = frame_paths(&profile, root);
        Loaded { source, profile, paths }
    }
}

/// Where the server looks for profiles in a workspace root: any file in `.weco/profiles/`, and the root's `*.prof`,
/// `*.pstats` and `*.speedscope.json` files (what `python -m cProfile -o`, py-spy and pyinstrument are usually told).
pub fn is_profile_path(path: &Path, root: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else { return false };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let in_profiles_folder = relative.parent().is_some_and(|p| p == Path::new(".weco/profiles"));
    in_profiles_folder || (relative.components().count() == 1 && [".prof", ".pstats", ".speedscope.json"].iter().any(|ext| name.ends_with(ext)))
}

/// The profile files under `root`, by `is_profile_path`, newest first, at most `MAX_PROFILES`.
pub fn discover(root: &Path) -> Vec<PathBuf> {
    const MAX_PROFILES: usize = 16;
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    for folder in [root.to_path_buf(), root.join(".weco/profiles")] {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            // Plain files only: a link could point anywhere.
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            if meta.is_file() && is_profile_path(&path, root) {
                found.push((meta.modified().unwrap_or(std::time::UNIX_EPOCH), path));
            }
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0));
    found.into_iter().take(MAX_PROFILES).map(|(_, p)| p).collect()
}

/// "31% of the profiled time, 1.2 s total" (or samples), for lenses, hovers and the CLI.
pub fn describe(measured: &Measured, unit: Unit) -> String {
    let percent = measured.share * 100.0;
    let share = if percent >= 1.0 { format!("{percent:.0}%") } else { format!("{percent:.1}%") };
    match unit {
        Unit::Seconds => format!("{share} of the profiled time ({} total, {} self)", seconds(measured.total_time), seconds(measured.self_time)),
        Unit::Samples => format!("{share} of the profiled samples ({:.0} total, {:.0} self)", measured.total_time, measured.self_time),
    }
}

fn seconds(value: f64) -> String {
    if value >= 1.0 { format!("{value:.1} s") } else { format!("{:.0} ms", value * 1000.0) }
}

#[cfg(test)]
mod tests;
