import { compile, type JSONValue, search } from '@jmespath-community/jmespath';
import Table from 'cli-table3';
import { stringify as toYaml } from 'yaml';
import { UsageError } from './exit-codes';

export const FORMATS = ['table', 'json', 'yaml', 'text'] as const;
export type Format = (typeof FORMATS)[number];

/** A column of a verb's table: a header and where its cell comes from. */
export interface Column {
  header: string;
  value(row: Record<string, unknown>): unknown;
}

/** How a verb's result looks as a table (and as text) when no --query reshaped it. */
export interface View {
  /** The rows inside the result (default: the result itself when it is a list, `items` of a page). */
  rows?(data: unknown): unknown[];
  columns: Column[];
}

export const col = (header: string, key = header.toLowerCase().replace(/ /g, '_')): Column => ({ header, value: (row) => row[key] });

/** Fails before anything is sent when the expression does not parse (exit 2, not a half-done job). */
export function checkQuery(query: string | undefined): void {
  if (query === undefined) return;
  try {
    compile(query);
  } catch (e) {
    throw new UsageError(`--query: ${(e as Error).message}`);
  }
}

export function render(data: unknown, opts: { format: Format; query?: string; view?: View }): string {
  const result = opts.query === undefined ? data : search(data as JSONValue, opts.query);
  switch (opts.format) {
    case 'json':
      return `${JSON.stringify(result ?? null, null, 2)}\n`;
    case 'yaml':
      return toYaml(result ?? null);
    case 'table':
    case 'text': {
      const grid = opts.query === undefined && opts.view ? viewGrid(result, opts.view) : genericGrid(result);
      if (!grid) return result === null || result === undefined ? '' : `${cell(result)}\n`;
      if (opts.format === 'text') return grid.rows.map((r) => r.join('\t')).join('\n') + (grid.rows.length ? '\n' : '');
      if (!grid.rows.length) return grid.header ? '(none)\n' : '';
      const table = new Table({ head: grid.header ?? [], style: { head: [], border: [], compact: true } });
      table.push(...grid.rows);
      return `${table.toString()}\n`;
    }
  }
}

interface Grid {
  header?: string[];
  rows: string[][];
}

function rowsOf(data: unknown): unknown[] | undefined {
  if (Array.isArray(data)) return data;
  const items = (data as { items?: unknown })?.items;
  return Array.isArray(items) ? items : undefined;
}

function viewGrid(data: unknown, view: View): Grid {
  const rows = view.rows?.(data) ?? rowsOf(data) ?? [data];
  return { header: view.columns.map((c) => c.header), rows: rows.map((r) => view.columns.map((c) => cell(c.value((r ?? {}) as Record<string, unknown>)))) };
}

/** Whatever a query made: a list of objects is a table of their keys, an object is key/value rows, a scalar itself. */
function genericGrid(data: unknown): Grid | undefined {
  if (Array.isArray(data)) {
    if (data.every((r) => isObject(r))) {
      const keys = [...new Set(data.flatMap((r) => Object.keys(r as object)))];
      return { header: keys, rows: data.map((r) => keys.map((k) => cell((r as Record<string, unknown>)[k]))) };
    }
    // A list of lists (`items[].[id,name]`) is rows of cells, as the aws CLI prints it.
    return { rows: data.map((v) => (Array.isArray(v) ? v.map((x) => cell(x)) : [cell(v)])) };
  }
  if (isObject(data)) return { rows: Object.entries(data).map(([k, v]) => [k, cell(v)]) };
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Control characters of text from the server (names, errors, command output) shown visibly: an escape sequence
 * in a resource name must not drive the terminal, and a newline must not break a table or a text row.
 */
export function visible(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g : /[\x00-\x1f\x7f-\x9f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** One cell: scalars as they are, nothing as empty, lists of scalars joined, anything else as compact JSON. */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return visible(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return v.map((x) => cell(x)).join(',');
  return JSON.stringify(v);
}
