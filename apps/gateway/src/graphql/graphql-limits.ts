import { AppException, validateInto } from '@app/contracts';
import type { ClassConstructor } from 'class-transformer';
import { ArgumentNode, ASTNode, DocumentNode, FragmentDefinitionNode, GraphQLError, GraphQLSchema, Kind, SelectionSetNode, specifiedRules, validate, ValidationContext, ValidationRule, visit } from 'graphql';
import { ComplexityEstimator, getComplexity } from 'graphql-query-complexity';

export interface QueryLimits {
  maxDepth: number;
  maxComplexity: number;
  maxPageSize: number;
}

const limitError = (code: string, message: string, node?: ASTNode) => new GraphQLError(message, { nodes: node ? [node] : undefined, extensions: { code } });

/** Deepest field nesting of an operation, fragments included (a fragment cycle is refused by the spec's own rule). */
function depthOf(set: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, seen: Set<string>): number {
  if (!set) return 0;
  let max = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) max = Math.max(max, s.name.value.startsWith('__') ? 0 : 1 + depthOf(s.selectionSet, fragments, seen));
    else if (s.kind === Kind.INLINE_FRAGMENT) max = Math.max(max, depthOf(s.selectionSet, fragments, seen));
    else if (!seen.has(s.name.value) && fragments[s.name.value]) max = Math.max(max, depthOf(fragments[s.name.value].selectionSet, fragments, new Set(seen).add(s.name.value)));
  }
  return max;
}

export function depthLimitRule(maxDepth: number): ValidationRule {
  return (ctx: ValidationContext) => {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of ctx.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    return {
      OperationDefinition(op) {
        const depth = depthOf(op.selectionSet, fragments, new Set());
        if (depth > maxDepth) ctx.reportError(limitError('GRAPHQL_QUERY_TOO_DEEP', `The query nests ${depth} levels deep; at most ${maxDepth} are allowed`, op));
      },
    };
  };
}

/**
 * Cost of a field: 1 plus its selections, times the page size for a connection (any field taking `first`), so
 * that nested pages multiply as the work behind them does. Introspection costs nothing.
 */
function pageEstimator(maxPageSize: number): ComplexityEstimator {
  return ({ args, childComplexity, field }) => {
    if (field.name.startsWith('__')) return 0;
    const first = typeof args.first === 'number' ? Math.min(Math.max(args.first, 0), maxPageSize) : undefined;
    const paged = field.args.some((a) => a.name === 'first');
    return paged ? 1 + childComplexity * (first ?? maxPageSize) : 1 + childComplexity;
  };
}

/**
 * What an operation's cost can depend on besides its text: the variables given as a `first` argument or as the `if`
 * of `@skip`/`@include` (the estimator reads nothing else). Sorted names, with nothing for most documents.
 */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const add = (args: readonly ArgumentNode[] | undefined, name: string) => {
    for (const a of args ?? []) if (a.name.value === name && a.value.kind === Kind.VARIABLE) names.add(a.value.name.value);
  };
  visit(document, {
    Field: (field) => add(field.arguments, 'first'),
    Directive: (directive) => {
      if (directive.name.value === 'skip' || directive.name.value === 'include') add(directive.arguments, 'if');
    },
  });
  return [...names].sort();
}

/** Costs kept per variant of a document (values of its cost variables) before that document's cache starts over. */
const COSTS_PER_DOCUMENT = 64;

interface DocumentCosts {
  variables: string[];
  /** Cost of every operation in the document, per JSON of the cost variables' values. */
  costs: Map<string, number[]>;
}

/**
 * Costs by parsed document. Mercurius hands every request of the same query text the same DocumentNode from its
 * query cache, so a repeated query is measured once instead of walking the schema again for every request (a
 * tenth of the gateway's time per GraphQL read before). Weak keys: a document Mercurius evicts takes its costs along.
 */
const documentCosts = new WeakMap<DocumentNode, DocumentCosts>();

function operationCosts(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, maxPageSize: number): number[] {
  let entry = documentCosts.get(document);
  if (!entry) documentCosts.set(document, (entry = { variables: costVariables(document), costs: new Map() }));
  // An absent variable (its default applies) and a null one cost differently, so each is keyed as given.
  const key = `${maxPageSize}:${JSON.stringify(entry.variables.map((name) => (name in variables ? [variables[name]] : [])))}`;
  const known = entry.costs.get(key);
  if (known) return known;
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const costs = document.definitions
    .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
    // Throws on variables that do not fit the operation; nothing is kept then.
    .map((op) => getComplexity({ schema, query: { kind: Kind.DOCUMENT, definitions: [op, ...fragments] }, variables, estimators: [pageEstimator(maxPageSize)] }));
  if (entry.costs.size >= COSTS_PER_DOCUMENT) entry.costs.clear();
  entry.costs.set(key, costs);
  return costs;
}

/**
 * Refuses an operation that costs more than allowed. Run before execution (Mercurius' preExecution hook) rather
 * than as a validation rule, which would need the variables and so would defeat Mercurius' parsed-query cache.
 */
export function assertComplexity(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, limits: QueryLimits): void {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const costs = operationCosts(schema, document, variables ?? {}, limits.maxPageSize);
  // Several operations in one document: each must fit (the one the client names is among them).
  operations.forEach((op, i) => {
    if (costs[i] > limits.maxComplexity) {
      throw limitError('GRAPHQL_QUERY_TOO_COMPLEX', `The query costs ${costs[i]}; at most ${limits.maxComplexity} is allowed (each field costs 1, times \`first\` inside a connection)`, op);
    }
  });
}

/**
 * A subscription document, checked as a query is: Mercurius validates no graphql-ws subscription (neither the spec's
 * rules nor `validationRules`), so the same rules (depth, introspection) and the cost cap run in its
 * preSubscriptionExecution hook. That hook gets no variables: the cost is measured without them (no subscription
 * takes `first`). Throws the first error found; graphql-ws carries one.
 */
export function assertSubscription(schema: GraphQLSchema, document: DocumentNode, rules: readonly ValidationRule[], limits: QueryLimits): void {
  // The limit rules first: a too-deep document is refused as too deep, whatever else is wrong with it.
  const [first] = validate(schema, document, [...rules, ...specifiedRules]);
  if (first) throw first;
  assertComplexity(schema, document, {}, limits);
}

/** `first`/`after` as the REST query's `limit`/`cursor`, with the page-size cap. */
function pageQuery(first: number | undefined | null, after: string | undefined | null, maxPageSize: number): { limit?: number; cursor?: string } {
  if (first !== undefined && first !== null && (first < 1 || first > maxPageSize)) {
    throw new AppException('VALIDATION_FAILED', `first must be between 1 and ${maxPageSize}`, { errors: [{ field: 'first', message: `must be between 1 and ${maxPageSize}` }] });
  }
  return { ...(first ? { limit: first } : {}), ...(after ? { cursor: after } : {}) };
}

/** Page size when a query gives no `first`. */
const DEFAULT_PAGE_SIZE = 50;

/**
 * A connection's arguments as the REST list query they stand for, validated by the same contract class as the
 * REST query string: `filter` takes exactly the REST filters, `first`/`after` stand for `limit`/`cursor`.
 */
export function listQuery<T extends object>(cls: ClassConstructor<T>, filter: Record<string, unknown> | null | undefined, first: number | null | undefined, after: string | null | undefined, maxPageSize: number): T {
  const given = filter ?? {};
  for (const key of ['limit', 'cursor', 'page']) {
    if (key in given) throw new AppException('VALIDATION_FAILED', `filter.${key}: page with first and after`, { errors: [{ field: `filter.${key}`, message: 'use first / after' }] });
  }
  return validateInto(cls, { ...given, ...pageQuery(first ?? Math.min(DEFAULT_PAGE_SIZE, maxPageSize), after, maxPageSize) }, 'filter');
}
