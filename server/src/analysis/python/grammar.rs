//! Node kinds and field names of the tree-sitter Python grammar, resolved to numeric ids once.
//!
//! The walker looks at every node of a file; comparing numeric ids instead of kind strings keeps
//! that walk cheap next to the parse itself.

use std::num::NonZeroU16;
use std::sync::OnceLock;

/// The node kinds the analysis cares about; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tag {
    Other,
    Identifier,
    AliasedImport,
    AsPattern,
    Lambda,
    Attribute,
    Call,
    ArgumentList,
    Subscript,
    FunctionDefinition,
    ClassDefinition,
    DecoratedDefinition,
    Decorator,
    Block,
    ForStatement,
    WhileStatement,
    IfStatement,
    ListComprehension,
    SetComprehension,
    DictionaryComprehension,
    GeneratorExpression,
    ForInClause,
    IfClause,
    ComparisonOperator,
    BinaryOperator,
    UnaryOperator,
    Assignment,
    AugmentedAssignment,
    ExpressionStatement,
    ImportStatement,
    ImportFromStatement,
    FutureImportStatement,
    Parameters,
    LambdaParameters,
    DefaultParameter,
    TypedParameter,
    TypedDefaultParameter,
    ListSplatPattern,
    DictionarySplatPattern,
    TuplePattern,
    PatternList,
    ListPattern,
    Tuple,
    List,
    Dictionary,
    Set,
    ParenthesizedExpression,
    KeywordArgument,
    NamedExpression,
    AsPatternTarget,
    GlobalStatement,
    NonlocalStatement,
    Comment,
    String,
    ConcatenatedString,
    Integer,
    CasePattern,
    ClassPattern,
    KeywordPattern,
    SplatPattern,
    DottedName,
    GenericType,
    Type,
    BooleanOperator,
}

fn tag_for_kind(kind: &str) -> Tag {
    match kind {
        "identifier" => Tag::Identifier,
        "aliased_import" => Tag::AliasedImport,
        "as_pattern" => Tag::AsPattern,
        "lambda" => Tag::Lambda,
        "attribute" => Tag::Attribute,
        "call" => Tag::Call,
        "argument_list" => Tag::ArgumentList,
        "subscript" => Tag::Subscript,
        "function_definition" => Tag::FunctionDefinition,
        "class_definition" => Tag::ClassDefinition,
        "decorated_definition" => Tag::DecoratedDefinition,
        "decorator" => Tag::Decorator,
        "block" => Tag::Block,
        "for_statement" => Tag::ForStatement,
        "while_statement" => Tag::WhileStatement,
        "if_statement" => Tag::IfStatement,
        "list_comprehension" => Tag::ListComprehension,
        "set_comprehension" => Tag::SetComprehension,
        "dictionary_comprehension" => Tag::DictionaryComprehension,
        "generator_expression" => Tag::GeneratorExpression,
        "for_in_clause" => Tag::ForInClause,
        "if_clause" => Tag::IfClause,
        "comparison_operator" => Tag::ComparisonOperator,
        "binary_operator" => Tag::BinaryOperator,
        "boolean_operator" => Tag::BooleanOperator,
        "unary_operator" => Tag::UnaryOperator,
        "assignment" => Tag::Assignment,
        "augmented_assignment" => Tag::AugmentedAssignment,
        "expression_statement" => Tag::ExpressionStatement,
        "import_statement" => Tag::ImportStatement,
        "import_from_statement" => Tag::ImportFromStatement,
        "future_import_statement" => Tag::FutureImportStatement,
        "parameters" => Tag::Parameters,
        "lambda_parameters" => Tag::LambdaParameters,
        "default_parameter" => Tag::DefaultParameter,
        "typed_parameter" => Tag::TypedParameter,
        "typed_default_parameter" => Tag::TypedDefaultParameter,
        "list_splat_pattern" => Tag::ListSplatPattern,
        "dictionary_splat_pattern" => Tag::DictionarySplatPattern,
        "tuple_pattern" => Tag::TuplePattern,
        "pattern_list" => Tag::PatternList,
        "list_pattern" => Tag::ListPattern,
        "tuple" => Tag::Tuple,
        "list" => Tag::List,
        "dictionary" => Tag::Dictionary,
        "set" => Tag::Set,
        "parenthesized_expression" => Tag::ParenthesizedExpression,
        "keyword_argument" => Tag::KeywordArgument,
        "named_expression" => Tag::NamedExpression,
        "as_pattern_target" => Tag::AsPatternTarget,
        "global_statement" => Tag::GlobalStatement,
        "nonlocal_statement" => Tag::NonlocalStatement,
        "comment" => Tag::Comment,
        "string" => Tag::String,
        "concatenated_string" => Tag::ConcatenatedString,
        "integer" => Tag::Integer,
        "case_pattern" => Tag::CasePattern,
        "class_pattern" => Tag::ClassPattern,
        "keyword_pattern" => Tag::KeywordPattern,
        "splat_pattern" => Tag::SplatPattern,
        "dotted_name" => Tag::DottedName,
        "generic_type" => Tag::GenericType,
        "type" => Tag::Type,
        _ => Tag::Other,
    }
}

/// Field ids of the grammar (0 where the grammar lacks the field, which never matches a node).
#[derive(Debug)]
pub(super) struct Fields {
    pub name: u16,
    pub body: u16,
    pub left: u16,
    pub right: u16,
    pub value: u16,
    pub function: u16,
    pub arguments: u16,
    pub object: u16,
    pub attribute: u16,
    pub alias: u16,
    pub type_: u16,
    pub condition: u16,
    pub module_name: u16,
    pub subscript: u16,
    pub operator: u16,
    pub alternative: u16,
    pub consequence: u16,
}

pub(super) struct Grammar {
    tags: Vec<Tag>,
    pub fields: Fields,
}

impl Grammar {
    pub fn get() -> &'static Grammar {
        static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
        GRAMMAR.get_or_init(|| {
            let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
            let tags = (0..language.node_kind_count())
                .map(|id| {
                    let id = u16::try_from(id).unwrap_or(u16::MAX);
                    match language.node_kind_for_id(id) {
                        Some(kind) if language.node_kind_is_named(id) => tag_for_kind(kind),
                        _ => Tag::Other,
                    }
                })
                .collect();
            let field = |name: &str| language.field_id_for_name(name).map_or(0, NonZeroU16::get);
            let fields = Fields {
                name: field("name"),
                body: field("body"),
                left: field("left"),
                right: field("right"),
                value: field("value"),
                function: field("function"),
                arguments: field("arguments"),
                object: field("object"),
                attribute: field("attribute"),
                alias: field("alias"),
                type_: field("type"),
                condition: field("condition"),
                module_name: field("module_name"),
                subscript: field("subscript"),
                operator: field("operator"),
                alternative: field("alternative"),
                consequence: field("consequence"),
            };
            Grammar { tags, fields }
        })
    }

    /// The tag of a node; anonymous tokens and unknown kinds are `Other`.
    pub fn tag(&self, node: tree_sitter::Node) -> Tag {
        self.tags.get(usize::from(node.kind_id())).copied().unwrap_or(Tag::Other)
    }

    /// The child in field `field`, if the grammar has that field and the node that child.
    pub fn child<'t>(&self, node: tree_sitter::Node<'t>, field: u16) -> Option<tree_sitter::Node<'t>> {
        if field == 0 {
            return None;
        }
        node.child_by_field_id(field)
    }

    /// All children in field `field`, in order.
    pub fn children_in<'t>(&self, node: tree_sitter::Node<'t>, field: u16) -> Vec<tree_sitter::Node<'t>> {
        let Some(field) = NonZeroU16::new(field) else { return Vec::new() };
        let mut cursor = node.walk();
        node.children_by_field_id(field, &mut cursor).collect()
    }
}
