#!/usr/bin/env node
// First step of `npm start`, `npm test` and `npm run bench`: makes a fresh checkout usable with
// nothing but Node and npm. Installs dependencies when node_modules is missing or older than
// the lockfile, and rebuilds dist/ when a TypeScript source is newer than the last build.
// Uses Node built-ins only, because it runs before anything is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
// node-gyp builds the pty addon against the installed Node headers rather than downloading
// them (no network but the npm registry on CI machines).
const env = { ...process.env };
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env });

const installedStamp = join(root, 'node_modules', '.package-lock.json');
if (mtime(installedStamp) < Math.max(mtime(join(root, 'package-lock.json')), mtime(join(root, 'package.json')))) {
  console.log('hvdbg setup: installing dependencies (npm ci)…');
  run(npm, [existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install', '--no-audit', '--no-fund']);
}
if (!existsSync(join(root, 'build', 'Release', 'hvdbg_pty.node'))) {
  console.log('hvdbg setup: building the native pty addon (npm rebuild)…');
  run(npm, ['rebuild', '--no-audit', '--no-fund']);
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const buildStamp = join(root, 'dist', '.build-stamp');
const sources = ['core', 'sim', 'plugins', 'gdbstub', 'dap', 'share'].map((d) => join(root, d)).filter(existsSync);
const newest = Math.max(mtime(join(root, 'tsconfig.json')), mtime(join(root, 'tsconfig.build.json')), ...sources.map(newestSource));
if (mtime(buildStamp) < newest) {
  console.log('hvdbg setup: building TypeScript into dist/…');
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
  writeFileSync(buildStamp, new Date().toISOString() + '\n');
}
