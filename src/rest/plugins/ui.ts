/**
 * The web UI: static files from the package's ui/ folder at /ui/, the graph libraries it uses
 * from node_modules at /ui/vendor/ (no CDN: the machine running weft may have no internet),
 * GET / redirecting there, and two small JSON routes the pages need and the API lacks:
 * /ui/config.json (is a token needed for writes?) and /ui/echo.json (per-switch echo RTT).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { RestDeps } from '../deps.js';
import { responses } from '../schemas.js';

/** Browser scripts served from node_modules: package -> the one file the UI loads. */
const VENDOR: readonly (readonly [string, string])[] = [
  ['cytoscape', 'dist/cytoscape.min.js'],
  ['layout-base', 'layout-base.js'],
  ['cose-base', 'cose-base.js'],
  ['cytoscape-fcose', 'cytoscape-fcose.js'],
];

/** ui/ next to the sources (src/rest/plugins) or the build (dist/src/rest/plugins). */
export function uiRoot(): string {
  for (const rel of ['../../../ui', '../../../../ui']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(p, 'index.html'))) return p;
  }
  throw new Error('the web UI folder (ui/index.html) was not found next to the weft sources');
}

/**
 * A package's folder as Node resolves it from here (hoisted or nested, source or dist): its
 * main entry, then up to the folder whose package.json names it (some packages do not export
 * ./package.json).
 */
function packageDir(name: string): string {
  let dir = dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === name) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`the web UI needs the npm package ${name} (not found)`);
    dir = up;
  }
}

const ECHO = {
  type: 'array',
  items: { type: 'object', properties: { dpid: { type: 'string' }, rttMs: { type: 'number', nullable: true } } },
};

export async function uiPlugin(app: FastifyInstance, { deps, auth }: { deps: RestDeps; auth: boolean }): Promise<void> {
  // index.html has its own route: the static plugin's directory index does not work with the
  // server's ignoreTrailingSlash.
  await app.register(fastifyStatic, { root: uiRoot(), prefix: '/ui/', index: false, cacheControl: false });
  for (const [pkg, file] of VENDOR) {
    await app.register(fastifyStatic, {
      root: packageDir(pkg),
      prefix: `/ui/vendor/${pkg}/`,
      decorateReply: false,
      allowedPath: (path) => path === `/${file}`,
      maxAge: 3_600_000,
    });
  }

  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/ui/'));
  app.get('/ui/', { schema: { hide: true } }, async (_req, reply) => reply.sendFile('index.html'));

  app.get('/ui/config.json', {
    schema: {
      tags: ['observability'],
      summary: 'What the web UI needs to know: whether writes need a bearer token',
      response: responses({ 200: { type: 'object', properties: { auth: { type: 'boolean' }, version: { type: 'string' } } } }),
    },
    handler: async () => ({ auth, version: deps.version }),
  });

  app.get('/ui/echo.json', {
    schema: {
      tags: ['observability'],
      summary: 'Round trip of the last echo request per switch (ms; null before the first)',
      response: responses({ 200: ECHO }),
    },
    handler: async () => [...deps.switches().values()].map((sw) => ({ dpid: sw.info.dpid, rttMs: sw.echoRttMs ?? null })),
  });
}
