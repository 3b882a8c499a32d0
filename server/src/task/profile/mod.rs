//! The shared user profile `.weco/profile.yaml` (the skill's schema plus our preferences), the silently
//! detected environment, and the prose that presents a baseline.

mod merge;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::preflight::Baseline;
use crate::engine::Goal;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserInfo {
    pub expertise: Option<String>,
    pub background: Option<String>,
    pub domain: Option<String>,
    pub prefers_explanations: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Environment {
    pub os: Option<String>,
    pub cpu: Option<String>,
    pub cores: Option<u32>,
    pub ram_gb: Option<f64>,
    pub gpu: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Usage {
    pub calls_per_day: Option<f64>,
    /// USD per hour of compute.
    pub compute_cost_per_hour: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryEntry {
    pub task: String,
    pub file: String,
    pub metric: String,
    pub baseline_value: f64,
    pub achieved_value: f64,
    pub improvement: String,
    pub monthly_savings: Option<String>,
    pub date: String,
    pub approach: String,
}

/// `.weco/profile.yaml`. Unknown or missing fields never fail a load.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    pub user: UserInfo,
    pub environment: Environment,
    pub usage: Usage,
    pub constraints: Vec<String>,
    pub acceptable_tradeoffs: Vec<String>,
    pub unacceptable_tradeoffs: Vec<String>,
    pub optimization_history: Vec<HistoryEntry>,
    /// Preferred mode: `vibe` or `assistant_scientist`.
    pub mode: Option<String>,
    /// Preferred workspace: `isolated` or `in_place`.
    pub workspace: Option<String>,
}

pub fn profile_path(workspace_root: &Path) -> PathBuf {
    super::layout::weco_dir(workspace_root).join("profile.yaml")
}

impl Profile {
    /// The profile, `Ok(None)` when there is none, or why it cannot be read (the parser's message,
    /// with its line).
    pub fn read(workspace_root: &Path) -> Result<Option<Profile>, String> {
        let path = profile_path(workspace_root);
        let Ok(text) = std::fs::read_to_string(&path) else { return Ok(None) };
        serde_saphyr::from_str::<Profile>(&text).map(Some).map_err(|e| format!("{} cannot be read: {e}", path.display()))
    }

    /// Loads the profile; None when there is none or it cannot be read (a broken file is reported
    /// by [`Profile::read`], kept, and never overwritten by [`Profile::save`]).
    pub fn load(workspace_root: &Path) -> Option<Profile> {
        match Profile::read(workspace_root) {
            Ok(profile) => profile,
            Err(e) => {
                tracing::warn!(target: "weco::task", "working from defaults: {e}");
                None
            }
        }
    }

    /// Loads the profile or creates one with the environment detected; fills a missing environment in.
    pub fn load_or_create(workspace_root: &Path) -> Profile {
        let mut profile = Profile::load(workspace_root).unwrap_or_default();
        if profile.environment == Environment::default() {
            profile.environment = detect_environment();
        }
        profile
    }

    /// Writes `.weco/profile.yaml` atomically. An existing profile keeps its comments, unknown
    /// keys and the text of unchanged entries; one that cannot be parsed is not touched (the error
    /// says why and where).
    pub fn save(&self, workspace_root: &Path) -> std::io::Result<()> {
        let fresh = serde_saphyr::to_string(self).map_err(|e| std::io::Error::other(e.to_string()))?;
        let path = profile_path(workspace_root);
        let text = match std::fs::read_to_string(&path) {
            Ok(existing) => {
                if let Err(why) = serde_saphyr::from_str::<Profile>(&existing) {
                    return Err(std::io::Error::other(format!("{} was left as it is, because it cannot be read: {why}", path.display())));
                }
                merge::merge(&existing, &fresh)
            }
            Err(_) => fresh,
        };
        super::layout::ensure_weco_dir(workspace_root)?;
        crate::fsio::write_atomic(&path, text.as_bytes())
    }
}

/// The machine, detected without asking: OS, CPU model, cores, memory.
pub fn detect_environment() -> Environment {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split_once(':')).map(|(_, v)| v.trim().to_string());
    let ram_gb = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        let line = m.lines().find(|l| l.starts_with("MemTotal:"))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some((kb / 1024.0 / 1024.0 * 10.0).round() / 10.0)
    });
    Environment { os: Some(std::env::consts::OS.to_string()), cpu, cores: std::thread::available_parallelism().ok().map(|n| n.get() as u32), ram_gb, gpu: None }
}

/// Below this per-call time a function is "already fast": gains will be real but small in absolute terms.
const FAST_CALL_SECONDS: f64 = 0.001;

/// Prose presenting the baseline: the tangible cost when it is slow, realistic expectations when it is fast,
/// and how long a run of `steps` steps will take.
pub fn present_baseline(b: &Baseline, profile: &Profile) -> String {
    present_baseline_for_steps(b, profile, 20)
}

/// [`present_baseline`] for a given number of steps.
pub fn present_baseline_for_steps(b: &Baseline, profile: &Profile, steps: u32) -> String {
    let mut text = String::new();
    match b.per_call_seconds {
        Some(per_call) => {
            text.push_str(&format!("The function takes {} per call", human_duration(per_call)));
            if let Some(cv) = b.cv {
                text.push_str(&format!(" (timing noise {:.1}%)", cv * 100.0));
            }
            text.push_str(". ");
            match profile.usage.calls_per_day {
                Some(calls) if calls > 0.0 => {
                    let daily = per_call * calls;
                    text.push_str(&format!(
                        "At {} calls a day that is {} of compute a day, {} a month",
                        group(calls),
                        human_duration(daily),
                        human_duration(daily * 30.0)
                    ));
                    if let Some(rate) = profile.usage.compute_cost_per_hour {
                        text.push_str(&format!(", about ${:.2} a month", daily * 30.0 / 3600.0 * rate));
                    }
                    text.push_str(". ");
                }
                // Not a question: a notification cannot be answered (Assistant Scientist mode asks it).
                _ => text.push_str("What that costs depends on how often it runs (Assistant Scientist mode asks, and turns the speedup into time and money). "),
            }
            if per_call < FAST_CALL_SECONDS {
                text.push_str("That is already fast: expect incremental gains, worth it mainly when the function runs very often. ");
            } else {
                text.push_str("There is room to make that cost smaller. ");
            }
        }
        None => text.push_str(&format!("The baseline measures {:.4} on its metric. ", b.metric_value)),
    }
    let run = b.eval_seconds * f64::from(steps + 1);
    text.push_str(&format!(
        "One evaluation takes {}; {steps} steps need at least {} of evaluation, plus the time to propose each candidate.",
        human_duration(b.eval_seconds),
        human_duration(run)
    ));
    text
}

/// A better-than comparison phrased for reports.
pub fn improvement_phrase(goal: Goal, baseline: f64, achieved: f64) -> String {
    match goal {
        Goal::Maximize => format!("{:.2}x", achieved / baseline.max(f64::MIN_POSITIVE)),
        Goal::Minimize => format!("{:.1}% lower", (1.0 - achieved / baseline.max(f64::MIN_POSITIVE)) * 100.0),
    }
}

/// `0.0021` → `2.1 ms`; `5400` → `1.5 h`.
pub fn human_duration(seconds: f64) -> String {
    if seconds < 1e-3 {
        format!("{:.1} µs", seconds * 1e6)
    } else if seconds < 1.0 {
        format!("{:.1} ms", seconds * 1e3)
    } else if seconds < 120.0 {
        format!("{seconds:.1} s")
    } else if seconds < 7200.0 {
        format!("{:.1} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

fn group(value: f64) -> String {
    let digits = format!("{:.0}", value);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
