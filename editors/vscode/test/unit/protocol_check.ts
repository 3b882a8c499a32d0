// Compares src/lsp_ext.ts with editors/protocol.json (the schema the server generates from its Rust types), using the
// TypeScript compiler's parser: every schema type has a TS interface (or, for enums, a string-literal union) of the
// same name with the same fields, base types, `?` exactly when optional and `| null` exactly when nullable; the
// method and command constants hold exactly the schema's names. Pure: it returns the differences as text.

import * as ts from "typescript";

export interface FieldSchema {
  type: string;
  optional: boolean;
  nullable: boolean;
}

export interface TypeSchema {
  fields?: Record<string, FieldSchema>;
  enum?: string[];
}

export interface ProtocolSchema {
  methods: Record<string, { kind: string; direction: string; params: string }>;
  commands: Record<string, string>;
  types: Record<string, TypeSchema>;
}

/** The TS constants (`export const X = { ... } as const`) holding the method and command names. */
export const METHOD_CONSTANT = "Method";
export const COMMAND_CONSTANT = "ServerCommand";

type Declaration = ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

export interface ParsedSource {
  declarations: Map<string, Declaration>;
  /** String values of each exported object-literal constant. */
  constants: Map<string, string[]>;
  source: ts.SourceFile;
}

export function parseSource(text: string, fileName = "lsp_ext.ts"): ParsedSource {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const declarations = new Map<string, Declaration>();
  const constants = new Map<string, string[]>();
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      declarations.set(statement.name.text, statement);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        let init = declaration.initializer;
        while (
          init &&
          (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init))
        ) {
          init = init.expression;
        }
        if (ts.isIdentifier(declaration.name) && init && ts.isObjectLiteralExpression(init)) {
          constants.set(
            declaration.name.text,
            init.properties.flatMap((property) =>
              ts.isPropertyAssignment(property) && ts.isStringLiteralLike(property.initializer)
                ? [property.initializer.text]
                : [],
            ),
          );
        }
      }
    }
  }
  return { declarations, constants, source };
}

/** The TS spelling a schema type must have: integer and number are both `number`; type names stay. */
export function expectedTsType(schemaType: string): string {
  if (schemaType.endsWith("[]")) {
    return `${expectedTsType(schemaType.slice(0, -2))}[]`;
  }
  return schemaType === "integer" ? "number" : schemaType;
}

/** A field's TS type split into its base type and whether `null` is one of the union's members. */
function describeType(node: ts.TypeNode, source: ts.SourceFile): { base: string; nullable: boolean } {
  const members = ts.isUnionTypeNode(node) ? [...node.types] : [node];
  const isNull = (member: ts.TypeNode) =>
    ts.isLiteralTypeNode(member) && member.literal.kind === ts.SyntaxKind.NullKeyword;
  const rest = members.filter((member) => !isNull(member));
  return { base: rest.map((member) => baseType(member, source)).join(" | "), nullable: rest.length < members.length };
}

function baseType(node: ts.TypeNode, source: ts.SourceFile): string {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return "string";
    case ts.SyntaxKind.NumberKeyword:
      return "number";
    case ts.SyntaxKind.BooleanKeyword:
      return "boolean";
  }
  if (ts.isParenthesizedTypeNode(node)) {
    return `(${describeType(node.type, source).base})`;
  }
  if (ts.isArrayTypeNode(node)) {
    return `${baseType(node.elementType, source)}[]`;
  }
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText(source);
    if ((name === "Array" || name === "ReadonlyArray") && node.typeArguments?.length === 1) {
      return `${baseType(node.typeArguments[0], source)}[]`;
    }
    return name;
  }
  // Anything else (literals, undefined, object literals) is spelled as written, so it never equals a schema type.
  return node.getText(source);
}

/** Differences between one schema type and the TS declaration of the same name. */
export function typeProblems(name: string, schema: TypeSchema, parsed: ParsedSource): string[] {
  const declaration = parsed.declarations.get(name);
  if (!declaration) {
    return [`${name}: no interface or type alias ${name} in lsp_ext.ts`];
  }
  if (schema.enum) {
    const literals =
      ts.isTypeAliasDeclaration(declaration) && ts.isUnionTypeNode(declaration.type)
        ? declaration.type.types.map((member) =>
            ts.isLiteralTypeNode(member) && ts.isStringLiteral(member.literal) ? member.literal.text : undefined,
          )
        : ts.isTypeAliasDeclaration(declaration) &&
            ts.isLiteralTypeNode(declaration.type) &&
            ts.isStringLiteral(declaration.type.literal)
          ? [declaration.type.literal.text]
          : [undefined];
    if (literals.some((literal) => literal === undefined)) {
      return [`${name}: the schema has an enum, so lsp_ext.ts needs a union of string literals`];
    }
    const expected = [...schema.enum].sort();
    const actual = (literals as string[]).sort();
    return JSON.stringify(expected) === JSON.stringify(actual)
      ? []
      : [`${name}: enum ${JSON.stringify(actual)} in lsp_ext.ts, ${JSON.stringify(expected)} in the schema`];
  }
  const members = ts.isInterfaceDeclaration(declaration)
    ? declaration.members
    : ts.isTypeLiteralNode(declaration.type)
      ? declaration.type.members
      : undefined;
  if (!members) {
    return [`${name}: the schema has fields, so lsp_ext.ts needs an interface (or an object type)`];
  }
  const problems: string[] = [];
  const fields = schema.fields ?? {};
  const seen = new Set<string>();
  for (const member of members) {
    if (!ts.isPropertySignature(member) || !member.type) {
      problems.push(`${name}: ${member.getText(parsed.source)} is not a typed property`);
      continue;
    }
    const field = member.name.getText(parsed.source).replace(/^["']|["']$/g, "");
    seen.add(field);
    const spec = fields[field];
    if (!spec) {
      problems.push(`${name}.${field}: in lsp_ext.ts but not in the schema`);
      continue;
    }
    const optional = member.questionToken !== undefined;
    const { base, nullable } = describeType(member.type, parsed.source);
    const expected = expectedTsType(spec.type);
    if (base !== expected) {
      problems.push(`${name}.${field}: type ${base} in lsp_ext.ts, ${spec.type} (TS ${expected}) in the schema`);
    }
    if (optional !== spec.optional) {
      problems.push(
        `${name}.${field}: ${spec.optional ? "optional in the schema, needs ?" : "required in the schema, drop ?"}`,
      );
    }
    if (nullable !== spec.nullable) {
      problems.push(
        `${name}.${field}: ${spec.nullable ? "nullable in the schema, needs | null" : "not nullable in the schema, drop | null"}`,
      );
    }
  }
  for (const field of Object.keys(fields)) {
    if (!seen.has(field)) {
      problems.push(`${name}.${field}: in the schema but not in lsp_ext.ts`);
    }
  }
  return problems;
}

function sameNames(what: string, actual: string[] | undefined, expected: string[]): string[] {
  if (!actual) {
    return [`${what}: no such constant in lsp_ext.ts`];
  }
  const missing = expected.filter((name) => !actual.includes(name));
  const extra = actual.filter((name) => !expected.includes(name));
  return [
    ...missing.map((name) => `${what}: lacks "${name}"`),
    ...extra.map((name) => `${what}: has "${name}", which the schema does not`),
  ];
}

/** Every difference between lsp_ext.ts and the schema; empty when they agree. */
export function protocolProblems(protocol: ProtocolSchema, sourceText: string): string[] {
  const parsed = parseSource(sourceText);
  const problems = Object.entries(protocol.types).flatMap(([name, schema]) => typeProblems(name, schema, parsed));
  for (const name of parsed.declarations.keys()) {
    if (!(name in protocol.types)) {
      problems.push(`${name}: declared in lsp_ext.ts but not a schema type (only protocol types live there)`);
    }
  }
  problems.push(...sameNames(METHOD_CONSTANT, parsed.constants.get(METHOD_CONSTANT), Object.keys(protocol.methods)));
  problems.push(...sameNames(COMMAND_CONSTANT, parsed.constants.get(COMMAND_CONSTANT), Object.keys(protocol.commands)));
  return problems;
}

/** Type names the schema uses but does not define (a broken schema, whoever wrote it). */
export function undefinedSchemaTypes(protocol: ProtocolSchema): string[] {
  const builtins = new Set(["string", "integer", "number", "boolean"]);
  const used = [
    ...Object.values(protocol.methods).map((method) => method.params),
    ...Object.values(protocol.commands),
    ...Object.values(protocol.types).flatMap((type) => Object.values(type.fields ?? {}).map((field) => field.type)),
  ].map((type) => type.replace(/(\[\])+$/, ""));
  return [...new Set(used.filter((type) => !builtins.has(type) && !(type in protocol.types)))];
}
