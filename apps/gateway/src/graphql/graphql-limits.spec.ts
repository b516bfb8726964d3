import { buildSchema, GraphQLError, parse } from 'graphql';
import { assertComplexity } from './graphql-limits';

const schema = buildSchema(`
  type Item { id: ID! name: String children(first: Int): ItemPage }
  type ItemPage { nodes: [Item!]! }
  type Query { items(first: Int): ItemPage item(id: ID!): Item }
`);
const limits = { maxDepth: 10, maxComplexity: 100, maxPageSize: 50 };

/** The error assertComplexity throws, or undefined when the operation fits. */
function refusal(query: ReturnType<typeof parse>, variables?: Record<string, unknown>): GraphQLError | undefined {
  try {
    assertComplexity(schema, query, variables, limits);
    return undefined;
  } catch (e) {
    return e as GraphQLError;
  }
}

describe('assertComplexity (costs kept per parsed document)', () => {
  it('measures a page size given as a variable anew for each value, on the same document', () => {
    // 1 (items) + first × (1 nodes + 2 fields) … : 1 + (1 + 2) × first
    const doc = parse('query($n: Int) { items(first: $n) { nodes { id name } } }');
    expect(refusal(doc, { n: 10 })).toBeUndefined();
    const tooMuch = refusal(doc, { n: 40 });
    expect(tooMuch?.extensions.code).toBe('GRAPHQL_QUERY_TOO_COMPLEX');
    expect(tooMuch?.message).toContain('costs 121');
    expect(refusal(doc, { n: 10 })).toBeUndefined();
    // absent: the page size cap (50) applies
    expect(refusal(doc, {})?.message).toContain('costs 151');
  });

  it('takes @skip / @include with a variable into account', () => {
    const doc = parse('query($big: Boolean!) { item(id: "1") { id } items(first: 50) @include(if: $big) { nodes { id } } }');
    expect(refusal(doc, { big: false })).toBeUndefined();
    expect(refusal(doc, { big: true })?.extensions.code).toBe('GRAPHQL_QUERY_TOO_COMPLEX');
    expect(refusal(doc, { big: false })).toBeUndefined();
  });

  it('refuses a costly document every time, not only when first measured', () => {
    const doc = parse('{ items(first: 50) { nodes { children(first: 50) { nodes { id } } } } }');
    expect(refusal(doc)?.extensions.code).toBe('GRAPHQL_QUERY_TOO_COMPLEX');
    expect(refusal(doc)?.extensions.code).toBe('GRAPHQL_QUERY_TOO_COMPLEX');
  });

  it('checks each operation of a document; variables that do not fit the operation are refused and not kept', () => {
    const doc = parse('query Small { item(id: "1") { id } } query Big { items(first: 50) { nodes { id name } } }');
    expect(refusal(doc)?.message).toContain('costs 151');
    const typed = parse('query($n: Int) { items(first: $n) { nodes { id } } }');
    expect(refusal(typed, { n: 'many' })?.message).toMatch(/\$n/);
    expect(refusal(typed, { n: 5 })).toBeUndefined();
    expect(refusal(typed, { n: 'many' })?.message).toMatch(/\$n/);
  });
});
