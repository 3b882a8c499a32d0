//! Scanning evaluation output for environment problems (missing modules/files, permissions) and
//! noticing when the same failure repeats, so the user can fix the setup instead of paying for more steps.

/// Where in the user's code a problem was raised (the innermost traceback frame before the error line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    pub file: String,
    pub line: u32,
}

/// An environment problem found in an evaluation's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalProblem {
    /// `ModuleNotFoundError`/`ImportError`; `package` is the pip name to suggest installing.
    MissingModule {
        module: String,
        package: String,
        location: Option<SourceLocation>,
    },
    MissingFile {
        path: String,
        location: Option<SourceLocation>,
    },
    Permission {
        path: String,
        location: Option<SourceLocation>,
    },
}

/// Finds every missing-module, missing-file and permission error in `output`, in order.
pub fn scan_eval_output(output: &str) -> Vec<EvalProblem> {
    let mut problems = Vec::new();
    let mut location: Option<SourceLocation> = None;
    for line in output.lines() {
        let trimmed = line.trim();
        if let Some(frame) = parse_frame(trimmed) {
            location = Some(frame);
            continue;
        }
        let problem = if let Some(rest) = after_error_name(trimmed, "ModuleNotFoundError") {
            quoted(rest).map(|module| missing_module(module, location.clone()))
        } else if let Some(rest) = after_error_name(trimmed, "ImportError") {
            import_error_module(rest).map(|module| missing_module(module, location.clone()))
        } else if let Some(rest) = after_error_name(trimmed, "FileNotFoundError") {
            quoted(rest).map(|path| EvalProblem::MissingFile { path: path.to_string(), location: location.clone() })
        } else if let Some(rest) = after_error_name(trimmed, "PermissionError") {
            quoted(rest).map(|path| EvalProblem::Permission { path: path.to_string(), location: location.clone() })
        } else {
            None
        };
        if let Some(problem) = problem
            && !problems.contains(&problem)
        {
            problems.push(problem);
        }
    }
    problems
}

/// A one-line summary of why an evaluation produced no metric: the first environment problem, else the
/// last exception line, else the last non-empty line.
pub fn summarize_failure(output: &str) -> String {
    if let Some(problem) = scan_eval_output(output).into_iter().next() {
        return match problem {
            EvalProblem::MissingModule { module, package, .. } => {
                format!("missing Python module `{module}` (install it with `pip install {package}` in the eval's environment)")
            }
            EvalProblem::MissingFile { path, .. } => format!("file not found: {path}"),
            EvalProblem::Permission { path, .. } => format!("permission denied: {path}"),
        };
    }
    let lines: Vec<&str> = output.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let exception = lines.iter().rev().find(|l| is_exception_line(l));
    match exception.or(lines.last()) {
        Some(line) => truncate(line, 200),
        None => "the evaluation printed nothing".to_string(),
    }
}

/// Signals when the same failure repeats `threshold` times in a row (weco itself never stops for that).
#[derive(Debug, Clone)]
pub struct RepeatedFailureDetector {
    threshold: usize,
    last_signature: Option<String>,
    count: usize,
}

impl Default for RepeatedFailureDetector {
    fn default() -> Self {
        Self::new(3)
    }
}

impl RepeatedFailureDetector {
    pub fn new(threshold: usize) -> Self {
        Self { threshold: threshold.max(1), last_signature: None, count: 0 }
    }

    /// Records a failed step; returns the failure summary exactly when it has now repeated `threshold` times in a row.
    pub fn record_failure(&mut self, output: &str) -> Option<String> {
        let signature = summarize_failure(output);
        if self.last_signature.as_deref() == Some(signature.as_str()) {
            self.count += 1;
        } else {
            self.last_signature = Some(signature.clone());
            self.count = 1;
        }
        (self.count == self.threshold).then_some(signature)
    }

    /// A step produced a metric: the streak is broken.
    pub fn record_success(&mut self) {
        self.last_signature = None;
        self.count = 0;
    }
}

fn missing_module(module: &str, location: Option<SourceLocation>) -> EvalProblem {
    EvalProblem::MissingModule { module: module.to_string(), package: package_for_module(module), location }
}

/// The pip package that usually provides `module` (its top-level name where they differ).
pub fn package_for_module(module: &str) -> String {
    let top = module.split('.').next().unwrap_or(module);
    let known = match top {
        "cv2" => "opencv-python",
        "PIL" => "Pillow",
        "sklearn" => "scikit-learn",
        "yaml" => "PyYAML",
        "bs4" => "beautifulsoup4",
        "skimage" => "scikit-image",
        "dateutil" => "python-dateutil",
        "dotenv" => "python-dotenv",
        "Crypto" => "pycryptodome",
        "attr" => "attrs",
        "google.protobuf" | "google" => "protobuf",
        _ => return top.to_string(),
    };
    known.to_string()
}

/// `File "path", line N, in f` → location.
fn parse_frame(line: &str) -> Option<SourceLocation> {
    let rest = line.strip_prefix("File \"")?;
    let (file, rest) = rest.split_once('"')?;
    let rest = rest.strip_prefix(", line ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(SourceLocation { file: file.to_string(), line: digits.parse().ok()? })
}

/// The text after `Name:` when the line is that exception (possibly module-qualified, e.g. `builtins.X:`).
fn after_error_name<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let position = line.find(name)?;
    let before = &line[..position];
    if !(before.is_empty() || before.ends_with('.') || before.ends_with(' ')) {
        return None;
    }
    line[position + name.len()..].strip_prefix(':').map(str::trim)
}

/// The first '...' or "..." quoted string in `text`.
fn quoted(text: &str) -> Option<&str> {
    let start = text.find(['\'', '"'])?;
    let quote = text[start..].chars().next()?;
    let rest = &text[start + 1..];
    let end = rest.find(quote)?;
    Some(&rest[..end]).filter(|s| !s.is_empty())
}

/// `cannot import name 'x' from 'mod' (...)` → mod; `No module named 'mod'` / `No module named mod` → mod.
fn import_error_module(rest: &str) -> Option<&str> {
    if let Some(from) = rest.split_once(" from ").map(|(_, tail)| tail) {
        return quoted(from);
    }
    let named = rest.strip_prefix("No module named ")?;
    quoted(named).or_else(|| named.split_whitespace().next())
}

fn is_exception_line(line: &str) -> bool {
    let Some((name, _)) = line.split_once(':') else {
        return false;
    };
    !name.contains(' ') && (name.ends_with("Error") || name.ends_with("Exception") || name.ends_with("Interrupt"))
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODULE_TRACEBACK: &str = "Traceback (most recent call last):\n  File \"/t/evaluate.py\", line 5, in <module>\n    import optimize\n  \
        File \"/t/optimize.py\", line 1, in <module>\n    import cv2.dnn\nModuleNotFoundError: No module named 'cv2'\n";

    #[test]
    fn module_not_found_gives_module_package_and_innermost_frame() {
        assert_eq!(
            scan_eval_output(MODULE_TRACEBACK),
            vec![EvalProblem::MissingModule {
                module: "cv2".into(),
                package: "opencv-python".into(),
                location: Some(SourceLocation { file: "/t/optimize.py".into(), line: 1 }),
            }]
        );
    }

    #[test]
    fn import_error_names_the_module_it_imports_from() {
        let problems = scan_eval_output("ImportError: cannot import name 'fast' from 'mylib.core' (/x/core.py)\n");
        assert_eq!(problems, vec![EvalProblem::MissingModule { module: "mylib.core".into(), package: "mylib".into(), location: None }]);
    }

    #[test]
    fn file_and_permission_errors_carry_the_path() {
        let output = "FileNotFoundError: [Errno 2] No such file or directory: 'data/train.csv'\n\
            PermissionError: [Errno 13] Permission denied: '/etc/shadow'\n";
        assert_eq!(
            scan_eval_output(output),
            vec![
                EvalProblem::MissingFile { path: "data/train.csv".into(), location: None },
                EvalProblem::Permission { path: "/etc/shadow".into(), location: None },
            ]
        );
    }

    #[test]
    fn clean_output_has_no_problems() {
        assert!(scan_eval_output("speedup: 2.5\nMyModuleNotFoundErrorish: fine\n").is_empty());
    }

    #[test]
    fn summary_prefers_environment_problem_then_exception() {
        assert!(summarize_failure(MODULE_TRACEBACK).contains("pip install opencv-python"));
        assert_eq!(summarize_failure("Traceback...\nRuntimeError: candidate is broken\nsome trailer\n"), "RuntimeError: candidate is broken");
        assert_eq!(summarize_failure(""), "the evaluation printed nothing");
    }

    #[test]
    fn detector_fires_once_on_the_third_identical_failure_in_a_row() {
        let mut detector = RepeatedFailureDetector::default();
        assert_eq!(detector.record_failure(MODULE_TRACEBACK), None);
        assert_eq!(detector.record_failure(MODULE_TRACEBACK), None);
        assert!(detector.record_failure(MODULE_TRACEBACK).is_some());
        assert_eq!(detector.record_failure(MODULE_TRACEBACK), None);
    }

    #[test]
    fn detector_resets_on_success_or_a_different_failure() {
        let mut detector = RepeatedFailureDetector::default();
        detector.record_failure(MODULE_TRACEBACK);
        detector.record_failure(MODULE_TRACEBACK);
        detector.record_success();
        assert_eq!(detector.record_failure(MODULE_TRACEBACK), None);
        assert_eq!(detector.record_failure("ValueError: other\n"), None);
        assert_eq!(detector.record_failure(MODULE_TRACEBACK), None);
    }
}
