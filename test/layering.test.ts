/**
 * The layering, checked on every import of protocol/, apps/ and src/ (docs/APPS.md, "Layering"):
 * protocol <- apps (through apps/sdk) <- src, apps reach each other only through a type-only
 * import of the other app's api.ts, and no cycle of value imports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Import {
  spec: string;
  typeOnly: boolean;
}

/** Every import, re-export and dynamic import of a file, and whether it is type-only. */
function importsOf(file: string, text: string): Import[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
  const out: Import[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      let typeOnly = ts.isImportDeclaration(n) ? !!n.importClause?.isTypeOnly : n.isTypeOnly;
      const named = ts.isImportDeclaration(n) ? n.importClause?.namedBindings : n.exportClause;
      const bindings = named && (ts.isNamedImports(named) || ts.isNamedExports(named)) ? named.elements : undefined;
      const onlyNamed = ts.isImportDeclaration(n) ? !n.importClause?.name : true;
      if (!typeOnly && onlyNamed && bindings && bindings.length > 0) typeOnly = bindings.every((b) => b.isTypeOnly);
      out.push({ spec: n.moduleSpecifier.text, typeOnly });
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      out.push({ spec: n.argument.literal.text, typeOnly: true });
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
      out.push({ spec: n.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The repository path an import names (`.js` as written for ESM, `.ts` on disk), or the package name. */
function target(from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return posix.join(posix.dirname(from), spec).replace(/\.js$/, '.ts');
}

const under = (p: string, dir: string) => p.startsWith(`${dir}/`);
const isOurs = (p: string) => ['protocol', 'apps', 'src'].some((d) => under(p, d));
const isBuiltin = (p: string) => p.startsWith('node:');
const appOf = (p: string) => (under(p, 'apps') ? p.split('/')[1] : undefined);

/** Why `from` may not import `to` (`to` from target()), or undefined when it may. */
export function violation(from: string, to: string, typeOnly: boolean): string | undefined {
  if (under(from, 'protocol')) return under(to, 'protocol') || isBuiltin(to) ? undefined : 'protocol/ imports only protocol/ and node builtins';
  const app = appOf(from);
  if (app === 'sdk') return under(to, 'apps/sdk') || under(to, 'protocol') ? undefined : 'apps/sdk/ imports only itself and protocol/';
  if (app !== undefined) {
    const other = appOf(to);
    if (other === undefined) return under(to, 'src') ? 'an app never imports src/' : undefined;
    if (other === app || other === 'sdk') return undefined;
    return to === `apps/${other}/api.ts` && typeOnly ? undefined : `an app reaches another app only by a type-only import of its api.ts`;
  }
  if (under(from, 'src/openflow') && (under(to, 'src/host') || under(to, 'src/rest') || under(to, 'apps'))) return 'src/openflow/ never imports src/host, src/rest or apps/';
  if (under(from, 'src/host') && under(to, 'src/rest')) return 'src/host/ never imports src/rest';
  return undefined;
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => posix.join(dir, f.split('\\').join('/')));
}

/** Value-import cycles (Tarjan's strongly connected components of more than one file, or a self-import). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      scc.push(w);
      if (w === v) break;
    }
    if (scc.length > 1 || graph.get(v)!.includes(v)) found.push(scc.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) strong(v);
  return found;
}

t.test('the checker flags known-bad imports (it can fail)', async (t) => {
  const bad = (from: string, text: string) => importsOf(from, text).map((i) => violation(from, target(from, i.spec), i.typeOnly));
  t.ok(bad('apps/l2-learning/routes.ts', "import { LruMap } from '../topology/lru-map.js';")[0], 'an app importing another app outside api.ts');
  t.ok(bad('apps/routing/x.ts', "import { TOPO } from '../topology/api.js';")[0], 'a value import of api.ts');
  t.ok(bad('apps/nat/x.ts', "import { type A, b } from '../routing/api.js';")[0], 'a mixed import of api.ts');
  t.notOk(bad('apps/nat/x.ts', "import { type A } from '../routing/api.js';")[0], 'an inline type-only import of api.ts');
  t.ok(bad('protocol/x.ts', "import { pino } from 'pino';")[0], 'protocol importing a package');
  t.ok(bad('apps/sdk/x.ts', "export type { A } from '../../src/host/app-host.js';")[0], 'the SDK importing src/');
  t.ok(bad('src/openflow/x.ts', "const m = await import('../host/app-host.js');")[0], 'openflow importing the host dynamically');
  t.ok(bad('src/host/x.ts', "type R = import('../rest/deps.js').RestDeps;")[0], 'the host importing REST in a type');
  t.same(cycles(new Map([['a', ['b']], ['b', ['a']], ['c', ['a']]])), [['a', 'b']], 'a two-file cycle');
});

t.test('protocol <- apps (through apps/sdk) <- src, and no value-import cycles', async (t) => {
  const files = [...sources('protocol'), ...sources('apps'), ...sources('src')];
  const graph = new Map<string, string[]>();
  const problems: string[] = [];
  for (const file of files) {
    const deps: string[] = [];
    for (const imp of importsOf(file, readFileSync(join(ROOT, file), 'utf8'))) {
      const to = target(file, imp.spec);
      const why = violation(file, to, imp.typeOnly);
      if (why) problems.push(`${file} imports ${imp.spec}: ${why}`);
      if (isOurs(to) && !imp.typeOnly) deps.push(to);
    }
    graph.set(file, deps);
  }
  t.ok(files.length > 100, `${files.length} files scanned`);
  t.same(problems, [], 'no import breaks the layering');
  t.same(cycles(graph).map((c) => c.join(' -> ')), [], 'no cycle of value imports');
});
