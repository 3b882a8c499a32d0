//! The pipeline end to end in process, with a recording frontend: each stage runs once, the
//! file is read once, the backend is chosen once, and the result set is what gets offered.

use std::sync::Mutex;

use super::frontend::{Frontend, PipelineEvent, Question, RunEnd};
use super::run::Run;
use super::{backend_choices_for, pipeline, source};
use crate::analysis::Language;
use crate::config::{Backend, Settings};
use crate::task::Placement;

const SLOW: &str = "def missing_skus(ordered: list[int], in_stock: list[int]) -> list[int]:\n    missing = []\n    for sku in ordered:\n        if sku not in in_stock:\n            missing.append(sku)\n    return missing\n";

#[derive(Default)]
struct Recorder {
    questions: Mutex<Vec<Question>>,
    events: Mutex<Vec<String>>,
    end: Mutex<Option<RunEnd>>,
}

impl Frontend for Recorder {
    async fn ask(&self, question: Question) -> Option<bool> {
        self.questions.lock().unwrap().push(question);
        Some(false)
    }

    async fn event(&self, event: PipelineEvent) {
        let name = match &event {
            PipelineEvent::Stage { .. } => "stage",
            PipelineEvent::TaskReady(_) => "task",
            PipelineEvent::Baseline { .. } => "baseline",
            PipelineEvent::BackendChosen { .. } => "backend",
            PipelineEvent::Optimizer { .. } => "optimizer",
            PipelineEvent::Problems { .. } => "problems",
            PipelineEvent::RepeatedFailure { .. } => "repeated",
        };
        self.events.lock().unwrap().push(name.into());
    }

    async fn finish(&self, end: RunEnd) {
        *self.end.lock().unwrap() = Some(end);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_run_reads_its_file_once_chooses_its_backend_once_and_offers_its_result_set() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path().canonicalize().unwrap();
    let file = root.join("inventory.py");
    std::fs::write(&file, SLOW).unwrap();
    let start = source::capture(&file, None).unwrap();
    let settings = Settings { backend: Backend::Local, steps: 2, ..Settings::default() };
    let run = Run {
        function: "missing_skus".into(),
        language: Language::Python,
        file: file.clone(),
        source_path: file.clone(),
        start,
        consolidated: None,
        root: root.clone(),
        metric: settings.metric.into(),
        settings,
        placement: Placement::Isolated,
        cancel: Default::default(),
        resume: None,
    };
    let front = Recorder::default();
    pipeline::execute(run, &front).await;

    assert_eq!(source::reads_of(&file), 1, "the user's file is read once, when the run starts");
    let events = front.events.lock().unwrap().clone();
    let count = |name: &str| events.iter().filter(|e| *e == name).count();
    assert_eq!((count("task"), count("baseline"), count("backend")), (1, 1, 1), "{events:?}");
    assert!(front.questions.lock().unwrap().iter().all(|q| matches!(q, Question::Validate)), "only the validation offer is asked here");
    let end = front.end.lock().unwrap().take().expect("the frontend got the end of the run");
    let RunEnd::Finished(result) = end else { panic!("the run finished: {end:?}") };
    assert_eq!(backend_choices_for(&result.task.harness_dir), 1, "the backend is chosen once per run");
    assert_eq!(result.original_text, SLOW);
    assert!(result.proposed_text.is_some(), "the local engine verifies its set rewrite: {:?}", result.summary);
    let change = &result.changes.files[0];
    assert_eq!((change.path.as_path(), change.original.as_str()), (file.as_path(), SLOW));
    assert_eq!(Some(change.proposed.as_str()), result.proposed_text.as_deref());
    assert!(!change.hunks.is_empty() && change.hunks.iter().all(|h| h.label.contains("(step")), "{:?}", change.hunks);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), SLOW, "the user's file is untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_that_is_not_there_fails_at_setup_and_the_frontend_hears_why() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("m.py");
    std::fs::write(&file, SLOW).unwrap();
    let run = Run {
        function: "nothere".into(),
        language: Language::Python,
        file: file.clone(),
        source_path: file.clone(),
        start: source::capture(&file, None).unwrap(),
        consolidated: None,
        root: root.path().to_path_buf(),
        settings: Settings { backend: Backend::Local, ..Settings::default() },
        metric: crate::task::MetricKind::Speedup,
        placement: Placement::Isolated,
        cancel: Default::default(),
        resume: None,
    };
    let front = Recorder::default();
    pipeline::execute(run, &front).await;
    match front.end.lock().unwrap().take() {
        Some(RunEnd::Failed { at: super::frontend::FailedAt::Setup, error }) => assert!(error.contains("nothere"), "{error}"),
        other => panic!("expected a setup failure, got {other:?}"),
    }
    assert!(!front.events.lock().unwrap().iter().any(|e| e == "backend"), "no backend is chosen for a task that does not exist");
}
