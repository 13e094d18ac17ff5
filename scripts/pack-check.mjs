// Installs the packages as a stranger would and checks what they get: `pnpm pack` of core, react
// and relay, `npm install` of those tarballs into a fresh npm app outside the repository, then
// types (nodenext, node16, bundler; a planted error must be reported under each), require(),
// the IIFE subpath, react's peer dependency on core, the relay's command line, and
// @arethetypeswrong/cli on each tarball. Exit 1 on any failure. Needs `pnpm -r build` first.
// FLAGCAST_KEEP_PACK=1 keeps the temporary folder for a look.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(root, 'scripts/pack-check');
const packages = ['core', 'react', 'relay', 'openfeature'];
// What the app installs from the registry besides the tarballs: the repository's own versions.
const registryPackages = ['react@19.3.1', 'react-dom@19.3.1', '@types/react@19.3.0', 'typescript@5.9.3'];
const modes = { nodenext: 'nodenext', node16: 'node16', bundler: 'esnext' }; // moduleResolution → module
const started = Date.now();
const failures = [];

function check(name, ok, detail = '') {
  const at = `${((Date.now() - started) / 1000).toFixed(1)} s`.padStart(7);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${at}  ${name}${ok || !detail ? '' : `\n     ${String(detail).trim().replaceAll('\n', '\n     ')}`}`);
  if (!ok) failures.push(name);
  return ok;
}

const env = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };

/** Runs a command to completion (bounded), returning its exit code and output. */
function run(command, args, cwd, timeoutMs = 120_000) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}`;
  return { code: result.status ?? 1, stdout: result.stdout ?? '', output };
}

/** Runs a command (bounded) without blocking, so that independent steps share the cores. */
function runAsync(command, args, cwd, timeoutMs = 120_000) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => (output += error.message));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** npm prints this for the machine's own configuration, whatever the command: not our problem. */
const npmNoise = (text) => text.split('\n').filter((line) => !/Unknown (user|env) config/.test(line)).join('\n');

/** `exports` resolution as Node specifies it, for one subpath and a list of conditions. */
function resolveExports(exports, subpath, conditions) {
  let target = exports[subpath];
  while (target && typeof target === 'object') target = Object.entries(target).find(([key]) => conditions.includes(key))?.[1];
  return target;
}

async function packTarballs(destination) {
  const packs = await Promise.all(packages.map((name) => runAsync('pnpm', ['pack', '--pack-destination', destination], join(root, 'packages', name))));
  const tarballs = {};
  for (const [i, name] of packages.entries()) {
    const file = packs[i].output.trim().split('\n').pop();
    if (!check(`pnpm pack @flagcast/${name}`, packs[i].code === 0 && existsSync(file), packs[i].output)) continue;
    tarballs[name] = file;
    const listing = run('tar', ['-tzf', file], destination).stdout.split('\n');
    const manifest = JSON.parse(run('tar', ['-xOzf', file, 'package/package.json'], destination).stdout);
    check(`@flagcast/${name} tarball has LICENSE and README.md`, listing.includes('package/LICENSE') && listing.includes('package/README.md'));
    const missing = ['repository', 'homepage', 'bugs', 'engines', 'license'].filter((field) => !manifest[field]);
    check(`@flagcast/${name} has ${missing.length ? `no ${missing.join(', ')}` : 'repository (directory), homepage, bugs, engines'}`, !missing.length && manifest.repository.directory === `packages/${name}`);
    const coreRange = manifest.peerDependencies?.['@flagcast/core'] ?? manifest.dependencies?.['@flagcast/core'];
    if (name !== 'core') check(`@flagcast/${name} takes @flagcast/core ${coreRange} (a caret range)`, /^\^\d+\.\d+\.\d+$/.test(coreRange ?? ''));
    if (name === 'react') check('@flagcast/react has core as a peer, not a dependency', !!manifest.peerDependencies?.['@flagcast/core'] && !manifest.dependencies?.['@flagcast/core']);
    if (name === 'core') {
      for (const field of ['unpkg', 'jsdelivr']) check(`core's ${field} field names a shipped file (${manifest[field]})`, listing.includes(join('package', manifest[field] ?? '-')));
      const jest = resolveExports(manifest.exports, '.', ['require', 'default', 'node']);
      check(`Jest-style resolution (require, default, node) gives ${jest}`, jest === './dist/index.js' && listing.includes('package/dist/index.js'));
    }
  }
  return tarballs;
}

async function checkTypesAreRight(tarballs) {
  // attw bundles TypeScript 5.6, which predates require(esm): it calls every require of an ESM
  // package an error. Node >= 20.19 and TypeScript >= 5.8 (nodenext) accept it; that is checked
  // below with Node itself and with legacy.cts.
  const args = ['--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table-flipped', '--no-emoji'];
  const names = Object.keys(tarballs);
  const runs = await Promise.all(names.map((name) => runAsync(join(root, 'node_modules/.bin/attw'), [tarballs[name], ...args], root)));
  names.forEach((name, i) => check(`attw @flagcast/${name}: no problems under node10, node16 (CJS and ESM), bundler`, runs[i].code === 0, runs[i].output));
}

async function installApp(app, tarballs) {
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'stranger-app', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  const args = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel', 'warn', ...Object.values(tarballs), ...registryPackages];
  const install = await runAsync('npm', args, app, 180_000);
  const output = npmNoise(install.output);
  check('npm install of the three tarballs (and react, react-dom, @types/react, typescript)', install.code === 0, output);
  check('npm install reports no peer dependency problem', !/ERESOLVE|peer dep|conflicting peer/i.test(output), output);
  const ls = run('npm', ['ls', '--all'], app);
  check('npm ls --all is clean', ls.code === 0, npmNoise(ls.output));
  const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
  const cores = Object.keys(lock.packages).filter((path) => path.endsWith('node_modules/@flagcast/core'));
  const resolved = lock.packages['node_modules/@flagcast/core']?.resolved ?? '';
  check(`one @flagcast/core, from the tarball (${cores.join(', ')})`, cores.length === 1 && resolved.startsWith('file:'), resolved);
}

function writeTsconfigs(app) {
  const compilerOptions = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false, // our declarations (and @types/react) are checked too, under each mode
    skipDefaultLibCheck: true, // TypeScript's own lib.dom.d.ts is not ours to check, and slow
    noEmit: true,
    target: 'es2022',
    lib: ['es2022', 'dom', 'dom.iterable'],
    jsx: 'react-jsx',
    types: [],
  };
  writeFileSync(join(app, 'tsconfig.base.json'), JSON.stringify({ compilerOptions }, null, 2));
  for (const fixture of ['app.tsx', 'script.ts', 'legacy.cts', 'planted.tsx']) cpSync(join(fixtures, fixture), join(app, 'src', fixture));
  for (const [resolution, module] of Object.entries(modes)) {
    const files = ['src/app.tsx', 'src/script.ts', 'src/planted.tsx', ...(resolution === 'nodenext' ? ['src/legacy.cts'] : [])];
    const config = { extends: './tsconfig.base.json', compilerOptions: { module, moduleResolution: resolution }, files };
    writeFileSync(join(app, `tsconfig.${resolution}.json`), JSON.stringify(config, null, 2));
  }
}

/**
 * One `tsc --noEmit` per mode over the whole app, planted errors included: it must report exactly
 * the planted errors. So the rest of the app type-checks (any other error fails the check), and
 * the types are real (types that silently became `any` would report none of the planted ones).
 */
async function checkTypes(app) {
  const planted = readFileSync(join(fixtures, 'planted.tsx'), 'utf8').split('\n');
  const expected = planted.flatMap((line, i) => /\/\/ planted (TS\d+)/.exec(line)?.slice(1).map((code) => `src/planted.tsx(${i + 1}): ${code}`) ?? []);
  const runs = await Promise.all(Object.keys(modes).map((resolution) => runAsync(join(app, 'node_modules/.bin/tsc'), ['-p', `tsconfig.${resolution}.json`], app)));
  Object.keys(modes).forEach((resolution, i) => {
    const { code, output } = runs[i];
    const reported = [...output.matchAll(/^(src\/[^(]+)\((\d+),\d+\): error (TS\d+)/gm)].map(([, file, line, tsCode]) => `${file}(${line}): ${tsCode}`);
    const exact = code !== 0 && JSON.stringify(reported.sort()) === JSON.stringify([...expected].sort());
    check(`tsc --noEmit, moduleResolution ${resolution}: the app type-checks, and all ${expected.length} planted errors are reported`, exact, `expected only ${expected.join(', ')}\n${output}`);
  });
}

function checkRuntime(app) {
  const required = run('node', ['-e', "const c = require('@flagcast/core'); if (typeof c.Engine !== 'function' || typeof c.createFlagClient !== 'function') throw new Error('no Engine'); console.log(Object.keys(c).join(' '))"], app);
  check(`node -e "require('@flagcast/core')" (${required.stdout.trim()})`, required.code === 0 && required.stdout.includes('Engine') && !required.output.includes('Warning'), required.output);
  const same = run('node', ['--input-type=module', '-e', "import { createRequire } from 'node:module'; import * as esm from '@flagcast/core'; import * as react from '@flagcast/react'; if (createRequire(import.meta.url)('@flagcast/core').Engine !== esm.Engine || typeof react.useBooleanFlag !== 'function') process.exit(1);"], app);
  check('import and require give the same @flagcast/core (one copy); import @flagcast/react works', same.code === 0, same.output);
  const network = run('node', ['-e', "const n = require('@flagcast/core/network'); if (typeof n.createNetworkSource !== 'function' || !n.FOLLOWER_DEFAULTS) process.exit(1)"], app);
  check("require('@flagcast/core/network') gives createNetworkSource and FOLLOWER_DEFAULTS", network.code === 0, network.output);
  const iife = run('node', ['-e', "const vm = require('node:vm'); const file = require.resolve('@flagcast/core/iife'); const ctx = {}; vm.runInNewContext(require('node:fs').readFileSync(file, 'utf8'), ctx); if (typeof ctx.Flagcast?.createFlagClient !== 'function') process.exit(1); console.log(file)"], app);
  check(`require.resolve('@flagcast/core/iife') → ${iife.stdout.trim().replace(app, '.')}, which defines Flagcast`, iife.code === 0 && iife.stdout.trim().endsWith('dist/flagcast.iife.js'), iife.output);
}

/**
 * The relay's command as its README gives it: `npx flagcast-relay` finds the tarball's bin, and
 * `flagcast-relay --file features.yml` serves the file's flags, then stops on SIGTERM with exit 0.
 * (The server runs as a direct child, without npx in between, so the signal and exit code are its own.)
 */
async function checkRelayCommand(app) {
  const help = run('npx', ['flagcast-relay', '--help'], app, 60_000);
  check('npx flagcast-relay --help', help.code === 0 && help.output.includes('--cors-origin'), npmNoise(help.output));
  writeFileSync(join(app, 'features.yml'), 'version: "1.4"\nnamespace: default\nflags:\n  - key: new-checkout\n    name: New checkout\n    type: BOOLEAN_FLAG_TYPE\n    enabled: true\n');
  const relay = spawn(join(app, 'node_modules/.bin/flagcast-relay'), ['--file', 'features.yml', '--port', '0', '--log-level', 'error'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => relay.on('exit', (code, signal) => resolve(code ?? signal)));
  const url = await new Promise((resolve) => {
    const timer = setTimeout(resolve, 15_000);
    const read = (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) clearTimeout(timer), resolve(match[1]);
    };
    relay.stdout.on('data', read);
    relay.stderr.on('data', read);
    exited.then(() => resolve(undefined));
  });
  let flags = [];
  if (url) {
    const response = await fetch(`${url}/client/v2/environments/default/namespaces/default/snapshot`, { signal: AbortSignal.timeout(5_000) }).catch((error) => error);
    flags = response instanceof Response && response.ok ? (await response.json()).flags.map((flag) => flag.key) : [];
  }
  check(`flagcast-relay --file features.yml serves it (${url ?? 'did not start'}: ${flags.join(', ')})`, flags.includes('new-checkout'), output);
  relay.kill('SIGTERM');
  const exit = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running after 10 s'), 10_000).unref())]);
  check(`the relay stops on SIGTERM (exit ${exit})`, exit === 0, output);
  if (exit !== 0) relay.kill('SIGKILL');
}

for (const name of packages) {
  if (!existsSync(join(root, 'packages', name, 'dist/index.d.ts'))) {
    console.error(`pack-check: packages/${name}/dist is missing; run \`pnpm -r build\` first`);
    process.exit(1);
  }
}
const work = mkdtempSync(join(tmpdir(), 'flagcast-pack-check-'));
try {
  const tarballs = await packTarballs(work);
  const attw = checkTypesAreRight(tarballs); // while npm installs
  const app = join(work, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  await installApp(app, tarballs);
  await attw;
  writeTsconfigs(app);
  await checkTypes(app);
  checkRuntime(app);
  await checkRelayCommand(app);
} finally {
  if (process.env['FLAGCAST_KEEP_PACK'] === '1') console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(`pack-check: ${failures.length ? `${failures.length} FAILED` : 'all passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failures.length ? 1 : 0);
