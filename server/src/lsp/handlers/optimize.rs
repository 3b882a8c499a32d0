//! `weco.optimize`: resolves the function, captures the run's facts once (the text and version it
//! starts from, settings, metric), asks mode and workspace, then runs the shared pipeline as a
//! background job with the language server as its frontend.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::run_front::LspFront;
use super::ui::{
    self, ANSWER_CANCEL, CONFIRM_IN_PLACE, LAST_USED, MODE_SCIENTIST, MODE_VIBE, STILL_ACCURATE, UPDATE_IT, WORKSPACE_IN_PLACE, WORKSPACE_ISOLATED, say,
};
use super::uri_path;
use crate::analysis::Language;
use crate::config::Metric;
use crate::lsp::ext::{FunctionTarget, OptimizeArgs};
use crate::lsp::position::offset_of;
use crate::lsp::session::Session;
use crate::optimize::pipeline;
use crate::optimize::run::{ConsolidatedSource, Resumed, Run};
use crate::optimize::source::{self, CaptureError, StartText};
use crate::task::{Placement, Profile};

/// The function `args` names, or the innermost one at its position in the open document.
pub fn resolve_target(session: &Session, args: &OptimizeArgs) -> Result<FunctionTarget, String> {
    if let Some(function) = &args.function {
        return Ok(FunctionTarget { uri: args.uri.clone(), function: function.clone() });
    }
    let Some(position) = args.position else { return Err("weco: name a function or a position to optimize.".into()) };
    let Some(doc) = session.snapshot(&args.uri) else { return Err(format!("weco: {} is not open.", args.uri.as_str())) };
    let offset = offset_of(&doc.rope, position, session.encoding());
    crate::lsp::proto::function_at(&doc, offset)
        .map(|f| FunctionTarget { uri: args.uri.clone(), function: f.qualified_name.clone() })
        .ok_or_else(|| "weco: the cursor is not inside a function.".to_string())
}

/// The file of a target, its language, and its text as the run starts (read once, here).
pub fn capture(session: &Session, target: &FunctionTarget, what: &str) -> Result<(std::path::PathBuf, Language, StartText), (MessageType, String)> {
    let Some(path) = uri_path(&target.uri) else { return Err((MessageType::ERROR, format!("weco: {} is not a file on disk.", target.uri.as_str()))) };
    let Some(language) = Language::from_path(&path) else {
        return Err((MessageType::ERROR, format!("weco: {} is not a Python or Rust file.", path.display())));
    };
    // Task folders are written next to the workspace's code: a file outside every workspace folder
    // would put them somewhere the user did not open.
    let roots = session.roots();
    if !roots.is_empty() && !roots.iter().any(|root| path.starts_with(root)) {
        return Err((MessageType::ERROR, format!("weco: {} is outside the workspace folders; open its project to optimize it.", path.display())));
    }
    // `.weco/` goes to the project root: never the filesystem root or the home folder itself (an
    // editor that found no project marker may send either as its workspace folder).
    if let Some(why) = crate::workspace::unsuitable_root(&session.root_for(&path)) {
        return Err((MessageType::ERROR, format!("weco: no project folder for {}: {why}.", path.display())));
    }
    let doc = session.snapshot(&target.uri);
    match source::capture(&path, doc.as_ref().map(|d| (&*d.text, d.version))) {
        Ok(start) => Ok((path, language, start)),
        Err(CaptureError::Unsaved) => Err((MessageType::WARNING, format!("weco: save {} first; {what} starts from the file on disk.", path.display()))),
        Err(CaptureError::Unreadable(why)) => Err((MessageType::ERROR, format!("weco: cannot read {why}"))),
    }
}

/// Entry point of the command: never blocks the handler on the optimizer.
pub async fn start(session: Arc<Session>, args: OptimizeArgs) {
    let target = match resolve_target(&session, &args) {
        Ok(target) => target,
        Err(message) => return say(&session, MessageType::ERROR, message).await,
    };
    let (path, language, start) = match capture(&session, &target, "the optimization") {
        Ok(captured) => captured,
        Err((kind, message)) => return say(&session, kind, message).await,
    };
    let run = Run {
        function: target.function.clone(),
        language,
        file: path.clone(),
        source_path: path.clone(),
        start,
        consolidated: None,
        root: session.root_for(&path),
        settings: session.settings(),
        metric: session.settings().metric.into(),
        placement: Placement::Isolated,
        cancel: Default::default(),
        resume: None,
    };
    spawn_run(session, target, run).await;
}

/// Registers the job (one per function), asks mode and workspace, and runs the pipeline in the background.
pub async fn spawn_run(session: Arc<Session>, target: FunctionTarget, run: Run) {
    let guard = match session.jobs.start_guarded(&target.uri, &target.function) {
        Ok(guard) => guard,
        Err(status) => return say(&session, MessageType::INFO, format!("weco: `{}` is already being optimized ({status}).", target.function)).await,
    };
    tokio::spawn(async move {
        let Some((scientist, placement, interview)) = ask_mode_and_workspace(&session, &target.function, &run.source_path).await else {
            drop(guard);
            return say(&session, MessageType::INFO, "weco: optimization cancelled.").await;
        };
        let mut run = Run { placement, cancel: guard.job.cancel.clone(), ..run };
        // The interview's answers: the metric the user chose, and constraints the optimizer is told.
        if let Some(metric) = interview.metric {
            run.settings.metric = metric;
            run.metric = metric.into();
        }
        if !interview.instructions.is_empty() {
            let given = run.settings.additional_instructions.take().into_iter();
            run.settings.additional_instructions = Some(given.chain(interview.instructions).collect::<Vec<_>>().join("\n"));
        }
        let front = LspFront::new(session.clone(), guard, scientist, placement, run.consolidated.is_some(), run.settings.steps).await;
        pipeline::execute(run, &front).await;
    });
}

/// The workflow's questions before a run: the mode (remembered in the profile), the workspace
/// (always asked), and for the Assistant Scientist how often the function runs. `None`: cancelled.
async fn ask_mode_and_workspace(session: &Session, function: &str, source_path: &std::path::Path) -> Option<(bool, Placement, Interview)> {
    let root = session.root_for(source_path);
    if let Err(why) = Profile::read(&root) {
        ui::say(
            session,
            MessageType::WARNING,
            format!("weco: {why}. Working from defaults; the file is kept as it is and will not be changed until it can be read."),
        )
        .await;
    }
    let mut profile = Profile::load_or_create(&root);
    let mode = match session.settings().mode {
        crate::config::ModeSetting::Vibe => "vibe".to_string(),
        crate::config::ModeSetting::Scientist => "assistant_scientist".to_string(),
        // The workflow's first rule: ask at each optimization, the last choice first.
        crate::config::ModeSetting::Ask => {
            let question = format!(
                "How should weco work on `{function}`?\n\nVibe: few questions, straight to results. Assistant Scientist: a short interview, a 1-step validation run, deeper explanations."
            );
            let last_scientist = profile.mode.as_deref() == Some("assistant_scientist");
            let (vibe, scientist) = match profile.mode.as_deref() {
                Some("vibe") => (format!("{MODE_VIBE} {LAST_USED}"), MODE_SCIENTIST.to_string()),
                Some("assistant_scientist") => (MODE_VIBE.to_string(), format!("{MODE_SCIENTIST} {LAST_USED}")),
                _ => (MODE_VIBE.to_string(), MODE_SCIENTIST.to_string()),
            };
            let options: Vec<&str> = if last_scientist { vec![&scientist, &vibe] } else { vec![&vibe, &scientist] };
            match ui::ask(session, question, &options).await {
                Some(answer) if answer == vibe => "vibe".to_string(),
                Some(answer) if answer == scientist => "assistant_scientist".to_string(),
                _ => return None,
            }
        }
    };
    let file_name = source_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let question = format!(
        "Where should weco work on `{function}`?\n\nIsolated: copies in .weco/<task>/, your code is untouched until you apply. In-place: {file_name} is rewritten at every step (backed up first)."
    );
    let placement = match ui::ask(session, question, &[WORKSPACE_ISOLATED, WORKSPACE_IN_PLACE]).await.as_deref() {
        Some(WORKSPACE_ISOLATED) => Placement::Isolated,
        Some(WORKSPACE_IN_PLACE) => {
            let shown = source_path.display();
            let confirm = format!("In-place rewrites {shown} with candidate code during every evaluation. A copy is saved to {shown}.backup first. Continue?");
            match ui::ask(session, confirm, &[CONFIRM_IN_PLACE, ANSWER_CANCEL]).await.as_deref() {
                Some(CONFIRM_IN_PLACE) => Placement::InPlace,
                _ => return None,
            }
        }
        _ => return None,
    };
    let scientist = mode == "assistant_scientist";
    let mut interview = Interview::default();
    if scientist {
        interview = self::interview(session, function, &mut profile).await?;
    }
    profile.mode = Some(mode);
    if let Err(e) = profile.save(&root) {
        tracing::warn!("could not save the profile: {e}");
    }
    Some((scientist, placement, interview))
}

/// What the Assistant Scientist's interview changes in the run: the metric the user chose, and the
/// constraints the optimizer is told to obey.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Interview {
    pub metric: Option<Metric>,
    pub instructions: Vec<String>,
}

const FOR_SPEED: &str = "Speed (time per call)";
const FOR_MEMORY: &str = "Peak memory";
const FOR_LATENCY: &str = "Latency of one call";
const OFF_NOTHING: &str = "Nothing is off the table";
const OFF_DEPENDENCIES: &str = "No new dependencies";
const OFF_READABILITY: &str = "It must stay readable";
const OFF_BOTH: &str = "No new dependencies, and readable";
const CRITICAL_PRODUCTION: &str = "A production hot path";
const CRITICAL_IMPORTANT: &str = "Important, not critical";
const CRITICAL_EXPERIMENT: &str = "An experiment";

/// The profile's constraint line that records the interview's choices (`optimize for: …`, `criticality: …`).
const OPTIMIZE_FOR: &str = "optimize for: ";
const CRITICALITY: &str = "criticality: ";
const NEW_DEPENDENCIES: &str = "new dependencies";
const LESS_READABLE: &str = "less readable code";

/// The workflow's phase 1 for the Assistant Scientist, with the editor's choice questions: what to optimize
/// for, what is off the table, how critical the code is, how often it runs. Answers are stored in the profile's
/// own fields (`constraints`, `unacceptable_tradeoffs`, `usage`); with answers there, one question confirms them.
/// `None`: the user dismissed a question.
async fn interview(session: &Session, function: &str, profile: &mut Profile) -> Option<Interview> {
    let answered = profile.constraints.iter().any(|c| c.starts_with(OPTIMIZE_FOR));
    let mut ask = !answered;
    if answered {
        let question = format!("Your profile says: {}. Still accurate?", profile_summary(profile));
        ask = ui::ask(session, question, &[STILL_ACCURATE, UPDATE_IT]).await? == UPDATE_IT;
    }
    if ask {
        let goal = ui::ask(session, format!("What should weco optimize `{function}` for?"), &[FOR_SPEED, FOR_MEMORY, FOR_LATENCY]).await?;
        let off = ui::ask(
            session,
            "Is any kind of change off the table? The optimizer is told to respect it.".to_string(),
            &[OFF_NOTHING, OFF_DEPENDENCIES, OFF_READABILITY, OFF_BOTH],
        )
        .await?;
        let critical = ui::ask(session, format!("How critical is `{function}`?"), &[CRITICAL_PRODUCTION, CRITICAL_IMPORTANT, CRITICAL_EXPERIMENT]).await?;
        let goal = match goal.as_str() {
            FOR_MEMORY => "peak memory",
            FOR_LATENCY => "latency",
            _ => "speed",
        };
        profile.constraints.retain(|c| !c.starts_with(OPTIMIZE_FOR) && !c.starts_with(CRITICALITY));
        profile.constraints.push(format!("{OPTIMIZE_FOR}{goal}"));
        profile.constraints.push(format!("{CRITICALITY}{}", critical.to_lowercase()));
        profile.unacceptable_tradeoffs.retain(|t| t != NEW_DEPENDENCIES && t != LESS_READABLE);
        if matches!(off.as_str(), OFF_DEPENDENCIES | OFF_BOTH) {
            profile.unacceptable_tradeoffs.push(NEW_DEPENDENCIES.into());
        }
        if matches!(off.as_str(), OFF_READABILITY | OFF_BOTH) {
            profile.unacceptable_tradeoffs.push(LESS_READABLE.into());
        }
        let question = format!("How often does `{function}` run per day? It turns the speedup into time and money saved.");
        let answer = ui::ask(session, question, &["About 100", "About 10,000", "About 1,000,000", "I don't know"]).await;
        profile.usage.calls_per_day = match answer.as_deref() {
            Some("About 100") => Some(100.0),
            Some("About 10,000") => Some(10_000.0),
            Some("About 1,000,000") => Some(1_000_000.0),
            _ => None,
        };
    }
    Some(interview_of(profile))
}

/// The profile's answers in words, for the confirmation question.
fn profile_summary(profile: &Profile) -> String {
    let mut parts: Vec<String> = profile.constraints.iter().filter(|c| c.starts_with(OPTIMIZE_FOR) || c.starts_with(CRITICALITY)).cloned().collect();
    if profile.unacceptable_tradeoffs.is_empty() {
        parts.push("nothing off the table".into());
    } else {
        parts.push(format!("no {}", profile.unacceptable_tradeoffs.join(", no ")));
    }
    if let Some(calls) = profile.usage.calls_per_day {
        parts.push(format!("about {calls:.0} calls per day"));
    }
    parts.join("; ")
}

/// What the profile's answers change in a run.
pub fn interview_of(profile: &Profile) -> Interview {
    let mut interview = Interview::default();
    for constraint in &profile.constraints {
        match constraint.strip_prefix(OPTIMIZE_FOR) {
            Some("peak memory") => interview.metric = Some(Metric::PeakMemoryMb),
            Some("latency") => interview.metric = Some(Metric::LatencyMs),
            Some(_) => interview.metric = Some(Metric::Speedup),
            None => {}
        }
        if constraint.strip_prefix(CRITICALITY).is_some_and(|c| c.starts_with("a production")) {
            interview.instructions.push("This is a production hot path: keep its behaviour exactly, edge cases and exception types included.".into());
        }
    }
    for tradeoff in &profile.unacceptable_tradeoffs {
        match tradeoff.as_str() {
            NEW_DEPENDENCIES => {
                interview.instructions.push("Do not add dependencies: use only the standard library and what the project already imports.".into())
            }
            LESS_READABLE => interview.instructions.push("Keep the code readable: clear names, no obscure tricks, a comment on any non-obvious step.".into()),
            other => interview.instructions.push(format!("Unacceptable: {other}.")),
        }
    }
    interview
}

/// Resumes an interrupted weco run (`weco resume <run id>`) with the task and baseline saved when
/// it started, then offers its result like any run's.
pub async fn resume_job(session: Arc<Session>, record: crate::optimize::resume::ResumeRecord, run_id: String) {
    let root = session.root_for(&record.original_path);
    let Some(uri) = Uri::from_file_path(&record.original_path) else { return };
    let target = FunctionTarget { uri, function: record.function.clone() };
    let (path, language, start) = match capture(&session, &target, "resuming") {
        Ok(captured) => captured,
        Err((kind, message)) => return say(&session, kind, message).await,
    };
    let guard = match session.jobs.start_guarded(&target.uri, &target.function) {
        Ok(guard) => guard,
        Err(status) => return say(&session, MessageType::INFO, format!("weco: `{}` is already being optimized ({status}).", target.function)).await,
    };
    let mut settings = session.settings();
    settings.backend = crate::config::Backend::Weco;
    settings.steps = record.steps;
    let run = Run {
        function: record.function.clone(),
        language,
        file: path.clone(),
        source_path: path,
        start,
        consolidated: None::<ConsolidatedSource>,
        root: root.clone(),
        metric: settings.metric.into(),
        settings: settings.clone(),
        placement: record.placement,
        cancel: guard.job.cancel.clone(),
        resume: Some(Resumed { task: record.task(&root), baseline: record.baseline.clone(), run_id }),
    };
    let front = LspFront::new(session.clone(), guard, false, record.placement, false, settings.steps).await;
    pipeline::execute(run, &front).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interviews_answers_become_the_metric_and_instructions_the_optimizer_obeys() {
        let mut profile = Profile::default();
        assert_eq!(interview_of(&profile), Interview::default(), "no answers change nothing");
        profile.constraints = vec!["optimize for: peak memory".into(), "criticality: a production hot path".into()];
        profile.unacceptable_tradeoffs = vec![NEW_DEPENDENCIES.into(), LESS_READABLE.into()];
        let interview = interview_of(&profile);
        assert_eq!(interview.metric, Some(Metric::PeakMemoryMb));
        let text = interview.instructions.join("\n");
        assert!(text.contains("Do not add dependencies") && text.contains("readable") && text.contains("production hot path"), "{text}");
        assert!(profile_summary(&profile).contains("no new dependencies, no less readable code"), "{}", profile_summary(&profile));
    }
}
