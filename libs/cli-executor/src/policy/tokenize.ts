import { PolicyRefusal, refuse } from './policy-codes';

export type TokenizeResult = { ok: true; tokens: string[] } | { ok: false; refusal: PolicyRefusal };

/** Characters a POSIX shell gives meaning to when unquoted. We never run a shell, but a command that
 * would mean something else in one is refused rather than silently taken literally. */
const OPERATOR_NAMES: Record<string, string> = {
  '|': 'pipe (|)',
  '||': 'or-list (||)',
  '&': 'background operator (&)',
  '&&': 'and-list (&&)',
  ';': 'command separator (;)',
  '>': 'output redirection (>)',
  '>>': 'output redirection (>>)',
  '<': 'input redirection (<)',
  '<<': 'here-document (<<)',
  '(': 'subshell parenthesis',
  ')': 'subshell parenthesis',
};

function shell(what: string, hint = ' Quote the value if it is meant literally.'): TokenizeResult {
  return { ok: false, refusal: refuse('CLI_SHELL_SYNTAX', `Shell syntax is not accepted: ${what}.${hint}`) };
}

/**
 * Splits a command line into argv the way a POSIX shell would for plain words: whitespace separates,
 * single quotes are literal, double quotes allow \" \\ \$ \` escapes, a backslash outside quotes escapes
 * the next character. Anything a shell would expand or interpret is refused instead.
 */
export function tokenize(line: string): TokenizeResult {
  // Command substitution is refused even inside quotes: a copy of this command pasted into a shell
  // (a log viewer, a runbook) must not execute anything.
  if (line.includes('`')) return shell('backtick command substitution');
  if (line.includes('$(')) return shell('$( command substitution');

  const tokens: string[] = [];
  let current = '';
  let inToken = false;
  let i = 0;
  const push = () => {
    if (inToken) tokens.push(current);
    current = '';
    inToken = false;
  };

  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      push();
      i++;
      continue;
    }
    if (c === '\n') return shell('newline (a second command)');
    if (c === '\\') {
      if (i + 1 >= line.length) return { ok: false, refusal: refuse('CLI_UNTERMINATED_QUOTE', 'The command ends with an unescaped backslash.') };
      if (line[i + 1] === '\n') return shell('line continuation');
      current += line[i + 1];
      inToken = true;
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { ok: false, refusal: refuse('CLI_UNTERMINATED_QUOTE', 'Unterminated single quote.') };
      current += line.slice(i + 1, end);
      inToken = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let closed = false;
      while (j < line.length) {
        const d = line[j];
        if (d === '"') {
          closed = true;
          break;
        }
        if (d === '\\' && j + 1 < line.length && '"\\$\n'.includes(line[j + 1])) {
          current += line[j + 1];
          j += 2;
          continue;
        }
        if (d === '$' && j + 1 < line.length && /[A-Za-z_{0-9@*#?$!-]/.test(line[j + 1])) {
          return shell(`variable expansion ($${line[j + 1]}) inside double quotes`, ' Use single quotes for a literal $.');
        }
        current += d;
        j++;
      }
      if (!closed) return { ok: false, refusal: refuse('CLI_UNTERMINATED_QUOTE', 'Unterminated double quote.') };
      inToken = true;
      i = j + 1;
      continue;
    }
    const two = line.slice(i, i + 2);
    if (OPERATOR_NAMES[two]) return shell(OPERATOR_NAMES[two]);
    if (OPERATOR_NAMES[c]) return shell(OPERATOR_NAMES[c]);
    if (c === '$' && i + 1 < line.length && /[A-Za-z_{0-9@*#?$!-]/.test(line[i + 1])) {
      return shell(line[i + 1] === '{' ? '${ parameter expansion' : `variable expansion ($${line[i + 1]})`);
    }
    if (c === '#' && !inToken) return shell('comment (#)');
    current += c;
    inToken = true;
    i++;
  }
  push();
  return { ok: true, tokens };
}
