/**
 * A flag file Flipt would refuse to load: invalid YAML/JSON, an unsupported version, a value of
 * the wrong shape, or a rule/rollout naming a segment or variant the document does not define.
 * `file`, `line` and `column` (1-based) point at the offending place; `message` says what to fix.
 */
export class FlagFileError extends Error {
  override readonly name = 'FlagFileError';
  /** The file name as given to the converter (a path for the file source). */
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** The problem without the location prefix. */
  readonly reason: string;

  constructor(file: string, reason: string, position?: { line: number; column: number }) {
    const where = position ? `${file}:${position.line}:${position.column}` : file;
    super(`${where}: ${reason}`);
    this.file = file;
    this.reason = reason;
    this.line = position?.line;
    this.column = position?.column;
  }

  /** A plain object for logs and `/healthz`. */
  toJSON(): { file: string; line?: number; column?: number; message: string } {
    return {
      file: this.file,
      ...(this.line === undefined ? {} : { line: this.line }),
      ...(this.column === undefined ? {} : { column: this.column }),
      message: this.reason,
    };
  }
}
