import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Every public export has TSDoc; every function, class and constant also has an @example.
const program = ts.createProgram(['src/index.ts'], {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  skipLibCheck: true,
});
const checker = program.getTypeChecker();
const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile('src/index.ts')!)!;
const exports = checker
  .getExportsOfModule(moduleSymbol)
  .map((s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s));
const needsExample = ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable;

describe('public API docs', () => {
  it('exports something', () => expect(exports.length).toBeGreaterThan(20));

  it.each(exports.map((s) => [s.getName(), s] as const))('%s has TSDoc', (_name, symbol) => {
    expect(ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim()).not.toBe('');
    if (symbol.flags & needsExample) {
      expect(symbol.getJsDocTags(checker).map((t) => t.name)).toContain('example');
    }
  });
});
