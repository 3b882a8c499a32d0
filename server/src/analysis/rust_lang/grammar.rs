//! Node kinds and field ids of the Rust grammar the walk cares about, resolved once.
//!
//! `Node::kind()` and `TreeCursor::field_name()` convert C strings on every call (a `strlen` and a
//! UTF-8 check), which dominated the walk; the hot paths compare numeric ids through this table instead.

use std::num::NonZeroU16;
use std::sync::OnceLock;
use tree_sitter::Node;

/// The node kinds the file walk and function scans dispatch on; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Other,
    AttributeItem,
    InnerAttributeItem,
    LineComment,
    BlockComment,
    FunctionItem,
    ImplItem,
    TraitItem,
    ModItem,
    /// struct, enum, union, type alias.
    TypeItem,
    /// const, static.
    ValueItem,
    UseDeclaration,
    /// Items whose insides never hold analysable functions: macro_rules!, signatures, extern blocks.
    OpaqueItem,
    TokenTree,
    Identifier,
    ShorthandFieldIdentifier,
    FieldIdentifier,
    ScopedIdentifier,
    TypeIdentifier,
    MacroInvocation,
    ForExpression,
    WhileExpression,
    LoopExpression,
    Block,
    ClosureExpression,
    ClosureParameters,
    CallExpression,
    CompoundAssignment,
    Assignment,
    IndexExpression,
    LetDeclaration,
    LetCondition,
    Parameter,
    FieldPattern,
    MatchPattern,
    /// Labels, lifetimes, visibility, literals: nothing to see inside.
    Skipped,
}

/// Fields read through [`FieldExt::field`], resolved to ids once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Alias,
    Argument,
    Arguments,
    Body,
    /// The `field` field: the `b` of `a.b`.
    Member,
    Function,
    Left,
    List,
    Macro,
    Name,
    Operator,
    Parameters,
    Path,
    Pattern,
    Right,
    Type,
    TypeArguments,
    Trait,
    TypeParameters,
    Value,
}

impl Field {
    const ALL: [Field; 20] = [
        Field::Alias,
        Field::Argument,
        Field::Arguments,
        Field::Body,
        Field::Member,
        Field::Function,
        Field::Left,
        Field::List,
        Field::Macro,
        Field::Name,
        Field::Operator,
        Field::Parameters,
        Field::Path,
        Field::Pattern,
        Field::Right,
        Field::Type,
        Field::TypeArguments,
        Field::Trait,
        Field::TypeParameters,
        Field::Value,
    ];

    fn name(self) -> &'static str {
        match self {
            Field::Alias => "alias",
            Field::Argument => "argument",
            Field::Arguments => "arguments",
            Field::Body => "body",
            Field::Member => "field",
            Field::Function => "function",
            Field::Left => "left",
            Field::List => "list",
            Field::Macro => "macro",
            Field::Name => "name",
            Field::Operator => "operator",
            Field::Parameters => "parameters",
            Field::Path => "path",
            Field::Pattern => "pattern",
            Field::Right => "right",
            Field::Type => "type",
            Field::TypeArguments => "type_arguments",
            Field::Trait => "trait",
            Field::TypeParameters => "type_parameters",
            Field::Value => "value",
        }
    }
}

/// `child_by_field_name` without the per-call name lookup.
pub(super) trait FieldExt<'t> {
    fn field(&self, field: Field) -> Option<Node<'t>>;
}

impl<'t> FieldExt<'t> for Node<'t> {
    fn field(&self, field: Field) -> Option<Node<'t>> {
        let id = Grammar::get().field_ids[field as usize]?;
        self.child_by_field_id(id.get())
    }
}

pub(super) struct Grammar {
    kinds: Vec<Kind>,
    field_ids: [Option<NonZeroU16>; Field::ALL.len()],
    pub(super) body: Option<NonZeroU16>,
    pub(super) pattern: Option<NonZeroU16>,
    pub(super) type_field: Option<NonZeroU16>,
    pub(super) condition: Option<NonZeroU16>,
}

impl Grammar {
    pub(super) fn get() -> &'static Grammar {
        static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
        GRAMMAR.get_or_init(Grammar::build)
    }

    fn build() -> Grammar {
        let language: tree_sitter::Language = tree_sitter_rust::LANGUAGE.into();
        let kinds = (0..language.node_kind_count())
            .map(|id| {
                let Ok(id) = u16::try_from(id) else {
                    return Kind::Other;
                };
                if !language.node_kind_is_named(id) {
                    return Kind::Other;
                }
                language.node_kind_for_id(id).map(kind_for_name).unwrap_or(Kind::Other)
            })
            .collect();
        Grammar {
            kinds,
            field_ids: Field::ALL.map(|field| language.field_id_for_name(field.name())),
            body: language.field_id_for_name("body"),
            pattern: language.field_id_for_name("pattern"),
            type_field: language.field_id_for_name("type"),
            condition: language.field_id_for_name("condition"),
        }
    }

    pub(super) fn kind(&self, node: Node<'_>) -> Kind {
        self.kinds.get(usize::from(node.kind_id())).copied().unwrap_or(Kind::Other)
    }
}

pub(super) fn kind_for_name(name: &str) -> Kind {
    match name {
        "attribute_item" => Kind::AttributeItem,
        "inner_attribute_item" => Kind::InnerAttributeItem,
        "line_comment" => Kind::LineComment,
        "block_comment" => Kind::BlockComment,
        "function_item" => Kind::FunctionItem,
        "impl_item" => Kind::ImplItem,
        "trait_item" => Kind::TraitItem,
        "mod_item" => Kind::ModItem,
        "struct_item" | "enum_item" | "union_item" | "type_item" => Kind::TypeItem,
        "const_item" | "static_item" => Kind::ValueItem,
        "use_declaration" => Kind::UseDeclaration,
        "macro_definition" | "function_signature_item" | "extern_crate_declaration" | "foreign_mod_item" => Kind::OpaqueItem,
        "token_tree" => Kind::TokenTree,
        "identifier" => Kind::Identifier,
        "shorthand_field_identifier" => Kind::ShorthandFieldIdentifier,
        "field_identifier" => Kind::FieldIdentifier,
        "scoped_identifier" | "scoped_type_identifier" => Kind::ScopedIdentifier,
        "type_identifier" => Kind::TypeIdentifier,
        "macro_invocation" => Kind::MacroInvocation,
        "for_expression" => Kind::ForExpression,
        "while_expression" => Kind::WhileExpression,
        "loop_expression" => Kind::LoopExpression,
        "block" => Kind::Block,
        "closure_expression" => Kind::ClosureExpression,
        "closure_parameters" => Kind::ClosureParameters,
        "call_expression" => Kind::CallExpression,
        "compound_assignment_expr" => Kind::CompoundAssignment,
        "assignment_expression" => Kind::Assignment,
        "index_expression" => Kind::IndexExpression,
        "let_declaration" => Kind::LetDeclaration,
        "let_condition" => Kind::LetCondition,
        "parameter" => Kind::Parameter,
        "field_pattern" => Kind::FieldPattern,
        "match_pattern" => Kind::MatchPattern,
        "label" | "lifetime" | "visibility_modifier" | "string_literal" | "raw_string_literal" | "char_literal" => Kind::Skipped,
        _ => Kind::Other,
    }
}
