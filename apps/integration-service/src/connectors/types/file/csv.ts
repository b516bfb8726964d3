/** Minimal RFC 4180 CSV: enough to write event rows and read them back (quoted fields, embedded newlines). */

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRow(values: string[]): string {
  return values.map(csvField).join(',') + '\n';
}

/** Records with the 1-based line number each one starts on. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let dirty = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      quoted = true;
      dirty = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      dirty = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (dirty || field !== '') out.push({ line: start, fields: [...fields, field] });
      fields = [];
      field = '';
      dirty = false;
      line++;
      start = line;
    } else {
      field += c;
      dirty = true;
    }
  }
  if (dirty || field !== '') out.push({ line: start, fields: [...fields, field] });
  return out;
}
