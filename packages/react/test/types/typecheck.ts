/**
 * Type-checks fixture files with the TypeScript compiler, as a strict app would (`tsc --noEmit`
 * under `strict`), and returns every diagnostic with its file and line.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export interface Diagnostic {
  /** Relative to the fixtures folder. */
  file: string;
  /** 1-based. */
  line: number;
  code: number;
  message: string;
}

/** The fixture apps' folder (with a trailing slash). */
export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

const options: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: false,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  // Sources, as the repository's own projects resolve them: no build needed.
  customConditions: ['@flagcast/source'],
  jsx: ts.JsxEmit.ReactJSX,
  types: [],
  skipLibCheck: true,
  isolatedModules: true,
  verbatimModuleSyntax: true,
};

/** The last program: the next one reuses its unchanged files (the libraries, React's types). */
let previous: ts.Program | undefined;

/** Type-checks `files` (paths relative to `fixtures/`) as one program. */
export function typecheck(files: string[]): Diagnostic[] {
  const program = (previous = ts.createProgram(
    files.map((file) => fixtures + file),
    options,
    undefined,
    previous,
  ));
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const position = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return {
      file: d.file ? relative(fixtures, d.file.fileName) : '',
      line: position ? position.line + 1 : 0,
      code: d.code,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    };
  });
}

/** The `// error TSnnnn: text` markers of a fixture file: what must be reported, line by line. */
export function plantedErrors(file: string, text: string): { file: string; line: number; code: number; mentions: string }[] {
  return text.split('\n').flatMap((source, index) => {
    const marker = /\/\/ error TS(\d+): (.+)$/.exec(source);
    return marker ? [{ file, line: index + 1, code: Number(marker[1]), mentions: marker[2]!.trim() }] : [];
  });
}

