/**
 * The `json` of a command result: stdout parsed when it is one JSON document (the CLI's default output), else
 * null. One definition for the executor that runs the command and the gateway that reassembles stored output.
 */
export function parseCommandJson(stdout: string): unknown {
  const t = stdout.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return null;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return null;
  }
}
