/**
 * `syncwise validate`: loads the declarations, prints every problem like a compiler (or as JSON),
 * and returns the exit code: 0 when valid, 1 when any error was found. No secret is read.
 */
import { countDiagnostics, hasErrors, renderDiagnostics, sortDiagnostics } from '../../core/diagnostics.js';
import { loadDeclarations } from '../../config/load-files.js';

/** Options of `syncwise validate`. */
export interface ValidateOptions {
  /** files or directories to read */
  readonly filename: readonly string[];
  /** @default 'text' */
  readonly output: 'text' | 'json';
  /** @default false */
  readonly allowOutsideRoot: boolean;
}

/** Where the command writes its report. */
export interface Output {
  write(chunk: string): unknown;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Runs the command and resolves to its exit code. */
export async function runValidate(opts: ValidateOptions, out: Output): Promise<number> {
  const result = await loadDeclarations(opts.filename, { allowOutsideRoot: opts.allowOutsideRoot });
  const diagnostics = sortDiagnostics(result.diagnostics);
  const valid = !hasErrors(diagnostics);
  if (opts.output === 'json') {
    const report = { valid, declarations: result.declared.length, files: result.files, diagnostics };
    out.write(`${JSON.stringify(report, null, 2)}\n`);
    return valid ? 0 : 1;
  }
  if (diagnostics.length > 0) out.write(`${renderDiagnostics(diagnostics)}\n`);
  const { errors, warnings } = countDiagnostics(diagnostics);
  const warned = warnings > 0 ? ` (${plural(warnings, 'warning')})` : '';
  if (valid) out.write(`${plural(result.declared.length, 'declaration')} valid${warned}\n`);
  else out.write(`invalid: ${plural(errors, 'error')}${warned} in ${plural(result.files.length, 'file')}\n`);
  return valid ? 0 : 1;
}
