//! Code lenses, hovers and code actions, answered from document snapshots and the project index.

use tower_lsp_server::ls_types::*;

use super::uri_path;
use crate::engine::local::rewrites::offline_rewrites;
use crate::lsp::position::offset_of;
use crate::lsp::proto;
use crate::lsp::session::Session;

pub fn code_lens(session: &Session, params: CodeLensParams) -> Option<Vec<CodeLens>> {
    let doc = session.snapshot(&params.text_document.uri)?;
    let path = uri_path(&doc.uri);
    let measured = path.as_ref().map(|path| session.measured_in(&doc, path)).unwrap_or_default();
    let support_code = path.as_ref().is_some_and(|path| crate::workspace::is_support_code(&session.root_for(path), path));
    let mut lenses = proto::code_lenses(&doc, session.encoding(), &measured, support_code);
    // While a function is being optimized its lens shows the run instead of the offer.
    for job in session.jobs.running_in(&doc.uri) {
        let Some(function) = doc.analysis.functions.iter().find(|f| f.qualified_name == job.function) else { continue };
        let range = crate::lsp::position::range_of(&doc.rope, &function.name_range, session.encoding());
        lenses.retain(|l| l.range != range);
        let args = serde_json::json!({"taskId": job.task_id});
        lenses.push(CodeLens {
            range,
            command: Some(Command::new(format!("⏳ weco: {} (cancel)", job.status), crate::lsp::ext::CMD_CANCEL.into(), Some(vec![args]))),
            data: None,
        });
    }
    Some(lenses)
}

pub fn hover(session: &Session, params: HoverParams) -> Option<Hover> {
    let position = params.text_document_position_params;
    let doc = session.snapshot(&position.text_document.uri)?;
    let offset = offset_of(&doc.rope, position.position, session.encoding());
    let function = proto::function_header_at(&doc, offset)?;
    let path = uri_path(&doc.uri);
    let dependencies = path.as_deref().map(|p| session.dependencies(p, &function.qualified_name)).unwrap_or_default();
    let root = path.as_deref().map(|p| session.root_for(p));
    let offline = if function.is_flagged() { offline_rewrites(doc.language, &doc.text, function.range.clone()) } else { Vec::new() };
    let measured = path.as_deref().and_then(|p| session.measured_in(&doc, p).remove(&function.qualified_name));
    Some(proto::hover(function, doc.language, &dependencies, root.as_deref(), &offline, measured.as_ref()))
}

pub fn code_action(session: &Session, params: CodeActionParams) -> Option<CodeActionResponse> {
    let doc = session.snapshot(&params.text_document.uri)?;
    let offset = offset_of(&doc.rope, params.range.start, session.encoding());
    let mut fixes = super::run_problems::actions(&params.context);
    let Some(function) = proto::function_at(&doc, offset) else { return Some(fixes) };
    let path = uri_path(&doc.uri);
    let depends_on_other_files = path.as_deref().is_some_and(|p| session.dependencies(p, &function.qualified_name).iter().any(|d| d.file != p));
    let actions = proto::code_actions(&doc.uri, function, depends_on_other_files);
    fixes.extend(actions.into_iter().map(CodeActionOrCommand::CodeAction));
    Some(fixes)
}
