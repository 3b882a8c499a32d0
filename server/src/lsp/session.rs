//! The server's shared state: documents, the project index, settings, negotiated capabilities.
//!
//! Locks are std locks held only for short, synchronous sections and never across `.await`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{Diagnostic, Uri};

use super::documents::{DocumentSnapshot, DocumentStore};
use super::jobs::JobManager;
use super::position::PositionEncoding;
use crate::analysis::FileAnalysis;
use crate::analysis::index::{DEFAULT_DEPTH, Dependency, ProjectIndex};
use crate::config::Settings;
use crate::workspace::ProjectLayout;

/// What the client said it supports, resolved once at `initialize`.
#[derive(Debug, Clone, Default)]
pub struct ClientSupport {
    pub code_lens_refresh: bool,
    pub work_done_progress: bool,
    pub show_document: bool,
    pub watched_files_dynamic: bool,
}

pub struct Session {
    pub client: Client,
    pub documents: Mutex<DocumentStore>,
    pub index: RwLock<ProjectIndex>,
    pub layouts: RwLock<Vec<ProjectLayout>>,
    pub settings: RwLock<Settings>,
    pub encoding: OnceLock<PositionEncoding>,
    pub support: OnceLock<ClientSupport>,
    pub jobs: Arc<JobManager>,
    /// Diagnostics from optimization runs (missing modules...), shown next to the analysis ones.
    run_diagnostics: Mutex<HashMap<Uri, Vec<Diagnostic>>>,
    /// Profiles found in the workspace (`profile::discover`), read when the workspace opens and when they change.
    pub profiles: RwLock<Vec<crate::profile::Loaded>>,
}

/// A function's measured time in the profile where it weighs most, and that profile's file.
#[derive(Debug, Clone)]
pub struct MeasuredIn {
    pub measured: crate::profile::Measured,
    pub unit: crate::profile::Unit,
    pub source: PathBuf,
}

impl Session {
    pub fn new(client: Client) -> Arc<Session> {
        Arc::new(Session {
            client,
            documents: Mutex::new(DocumentStore::default()),
            index: RwLock::new(ProjectIndex::default()),
            layouts: RwLock::new(Vec::new()),
            settings: RwLock::new(Settings::default()),
            encoding: OnceLock::new(),
            support: OnceLock::new(),
            jobs: Arc::new(JobManager::default()),
            run_diagnostics: Mutex::new(HashMap::new()),
            profiles: RwLock::new(Vec::new()),
        })
    }

    pub fn encoding(&self) -> PositionEncoding {
        self.encoding.get().copied().unwrap_or_default()
    }

    pub fn support(&self) -> ClientSupport {
        self.support.get().cloned().unwrap_or_default()
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn snapshot(&self, uri: &Uri) -> Option<DocumentSnapshot> {
        self.documents.lock().ok()?.get(uri)
    }

    /// The workspace layout that holds `path`, or a layout rooted at the file's project root.
    pub fn layout_for(&self, path: &Path) -> ProjectLayout {
        let layouts = self.layouts.read().map(|l| l.clone()).unwrap_or_default();
        layouts
            .into_iter()
            .filter(|l| path.starts_with(&l.root))
            .max_by_key(|l| l.root.components().count())
            .unwrap_or_else(|| ProjectLayout::new(&crate::workspace::project_root_for(path)))
    }

    pub fn root_for(&self, path: &Path) -> PathBuf {
        self.layout_for(path).root
    }

    /// Puts a file's latest analysis into the project index.
    pub fn index_file(&self, path: PathBuf, analysis: Arc<FileAnalysis>) {
        let module = self.layout_for(&path).module_key(&path);
        if let Ok(mut index) = self.index.write() {
            index.insert(path, analysis, module);
        }
    }

    pub fn set_run_diagnostics(&self, uri: &Uri, diagnostics: Vec<Diagnostic>) {
        if let Ok(mut all) = self.run_diagnostics.lock() {
            all.insert(uri.clone(), diagnostics);
        }
    }

    pub fn run_diagnostics(&self, uri: &Uri) -> Vec<Diagnostic> {
        self.run_diagnostics.lock().ok().and_then(|all| all.get(uri).cloned()).unwrap_or_default()
    }

    /// The workspace roots (folders the client opened).
    pub fn roots(&self) -> Vec<PathBuf> {
        self.layouts.read().map(|l| l.iter().map(|l| l.root.clone()).collect()).unwrap_or_default()
    }

    /// Measured times of the functions of a document (at `path`), by qualified name, from the loaded profiles.
    pub fn measured_in(&self, doc: &DocumentSnapshot, path: &Path) -> HashMap<String, MeasuredIn> {
        let Ok(profiles) = self.profiles.read() else { return HashMap::new() };
        if profiles.is_empty() {
            return HashMap::new();
        }
        let targets: Vec<crate::profile::Target> = doc
            .analysis
            .functions
            .iter()
            .map(|f| crate::profile::Target {
                file: path.to_path_buf(),
                function: f.qualified_name.clone(),
                first_line: doc.rope.byte_to_line(f.range.start.min(doc.rope.len_bytes())) as u32 + 1,
                last_line: doc.rope.byte_to_line(f.range.end.min(doc.rope.len_bytes())) as u32 + 1,
            })
            .collect();
        let mut best: HashMap<String, MeasuredIn> = HashMap::new();
        for loaded in profiles.iter() {
            for (index, measured) in crate::profile::attribute_resolved(&loaded.profile, &loaded.paths, &targets) {
                let name = &targets[index].function;
                if best.get(name).is_none_or(|b| b.measured.share < measured.share) {
                    best.insert(name.clone(), MeasuredIn { measured, unit: loaded.profile.unit, source: loaded.source.clone() });
                }
            }
        }
        best
    }

    pub fn dependencies(&self, path: &Path, function: &str) -> Vec<Dependency> {
        self.index.read().map(|i| i.dependencies(path, function, DEFAULT_DEPTH)).unwrap_or_default()
    }
}
