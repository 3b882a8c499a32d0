//! How the walk treats an identifier, from where it sits: the mode a node inherits from its parent,
//! and the value kind a type annotation promises.

use super::frame::ValueKind;
use super::grammar::{Fields, Tag};

/// How an identifier in a subtree is used, inherited from the parent down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Load,
    /// Assignment / `with ... as` / `except ... as` / walrus target.
    Bind,
    /// `for` and comprehension targets: rebound on every iteration.
    LoopBind,
    Param,
    /// `global` / `nonlocal` names.
    Declare,
    /// Inside a `case` pattern: bare names capture, dotted names are values.
    CasePattern,
    Ignore,
}

/// The mode of a child, from its parent's tag and mode and the field it sits in.
pub(super) fn child_mode(parent_tag: Tag, parent_mode: Mode, field: u16, fields: &Fields) -> Mode {
    match parent_tag {
        Tag::Assignment | Tag::AugmentedAssignment | Tag::NamedExpression => {
            if field == fields.left || (parent_tag == Tag::NamedExpression && field == fields.name) { Mode::Bind } else { Mode::Load }
        }
        Tag::ForStatement | Tag::ForInClause if field == fields.left => Mode::LoopBind,
        Tag::AsPatternTarget => Mode::Bind,
        Tag::Parameters | Tag::LambdaParameters => Mode::Param,
        Tag::DefaultParameter | Tag::TypedDefaultParameter => {
            if field == fields.name {
                Mode::Param
            } else {
                Mode::Load
            }
        }
        Tag::TypedParameter => {
            if field == fields.type_ {
                Mode::Load
            } else {
                Mode::Param
            }
        }
        Tag::GlobalStatement | Tag::NonlocalStatement => Mode::Declare,
        Tag::KeywordArgument if field == fields.name => Mode::Ignore,
        Tag::CasePattern => Mode::CasePattern,
        Tag::KeywordPattern => Mode::Ignore,
        Tag::ClassPattern => Mode::Load,
        _ if parent_mode == Mode::CasePattern => Mode::CasePattern,
        Tag::ListSplatPattern
        | Tag::DictionarySplatPattern
        | Tag::TuplePattern
        | Tag::PatternList
        | Tag::ListPattern
        | Tag::Tuple
        | Tag::List
        | Tag::ParenthesizedExpression
            if matches!(parent_mode, Mode::Bind | Mode::LoopBind | Mode::Param) =>
        {
            parent_mode
        }
        _ => Mode::Load,
    }
}

/// `list`, `List[int]`, `typing.List[str]`... as a kind; anything else is `Other`.
pub(super) fn annotation_kind(annotation: &str) -> ValueKind {
    let annotation = annotation.trim();
    let annotation = annotation.strip_prefix("typing.").unwrap_or(annotation);
    let head = annotation.split('[').next().unwrap_or("").trim();
    match head {
        "list" | "List" => ValueKind::List,
        "dict" | "Dict" => ValueKind::Dict,
        "set" | "Set" | "frozenset" | "FrozenSet" => ValueKind::Set,
        "str" => ValueKind::Str,
        _ => ValueKind::Other,
    }
}
