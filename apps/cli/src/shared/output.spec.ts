import { checkQuery, col, render } from './output';
import { UsageError } from './exit-codes';

describe('render', () => {
  const page = { items: [{ id: 'a', name: 'one', tags: { env: 'prod' } }, { id: 'b', name: 'two\u001b[2J', tags: {} }], next_cursor: null };
  const view = { columns: [col('ID'), col('Name')] };

  it('json and yaml are the result as it is, after --query', () => {
    expect(JSON.parse(render(page, { format: 'json' }))).toEqual(page);
    expect(render(page, { format: 'json', query: "items[?tags.env=='prod'].id" })).toBe('[\n  "a"\n]\n');
    expect(render(page, { format: 'yaml', query: 'items[0].name' })).toBe('one\n');
  });

  it('table shows the verb\'s columns of the items, with control characters made visible', () => {
    const out = render(page, { format: 'table', view });
    expect(out).toMatch(/│ ID │ Name\s+│/);
    expect(out).toContain('two\\x1b[2J');
    expect(out).not.toContain('\u001b');
    expect(render({ items: [] }, { format: 'table', view })).toBe('(none)\n');
  });

  it('a queried result is shaped by what it is: objects as columns, lists of lists as rows, scalars alone', () => {
    expect(render(page, { format: 'text', query: 'items[].[id,name]' })).toBe('a\tone\nb\ttwo\\x1b[2J\n');
    expect(render(page, { format: 'text', query: 'items[].{i:id,t:tags}' })).toBe('a\t{"env":"prod"}\nb\t{}\n');
    expect(render(page, { format: 'table', query: 'items[0]' })).toMatch(/│ id\s+│ a\s+│/);
    expect(render(page, { format: 'text', query: 'length(items)' })).toBe('2\n');
    expect(render(page, { format: 'text', query: 'nothing' })).toBe('');
  });

  it('a query that does not parse is a usage error before anything is sent', () => {
    expect(() => checkQuery('items[')).toThrow(UsageError);
    expect(() => checkQuery('items[].id')).not.toThrow();
  });
});
