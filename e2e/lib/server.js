// A real gongshi server for the browser: the debug binary on a fresh SQLite file with the demo
// (or, for a real install, empty — then it prints its one-time setup link), the movable test
// clock, staff accounts made with `gongshi user add`, and a notice of our own opened today so the
// journey never depends on which demo notices happen to be open.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const OUT = path.join(ROOT, 'target', 'e2e');

/** The binary `cargo build` made (honours CARGO_TARGET_DIR, or GONGSHI_BIN outright). */
export function binary() {
  if (process.env.GONGSHI_BIN) return process.env.GONGSHI_BIN;
  const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  return path.join(target, 'debug', 'gongshi');
}

/** Today's date in China, as the CLI and the server read it (YYYY-MM-DD). */
export function chinaToday(now = new Date()) {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(base, child, seconds = 60) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`gongshi exited with ${child.exitCode} before answering`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gongshi did not answer on ${base} within ${seconds}s`);
}

/** Resolves with the first `/setup/…` link the server prints on standard output. */
function setupLinkFrom(stdout) {
  return new Promise((resolve) => {
    let seen = '';
    const look = (chunk) => {
      seen += chunk;
      const link = /https?:\/\/\S+\/setup\/[0-9a-f]+/.exec(seen)?.[0];
      if (link) {
        stdout.off('data', look);
        resolve(link);
      }
    };
    stdout.on('data', look);
    stdout.once('end', () => resolve(null));
  });
}

/**
 * Starts `gongshi serve --demo --test-clock` on a free loopback port with its own database and
 * data folder. `name` labels the log file under target/e2e/logs/. With `{ demo: false }` the
 * database starts empty, as a real install does, and `setupLink()` gives the one-time link the
 * server printed. With `{ smtp: 'smtp://…' }` the server writes mail for that SMTP server
 * (pages then offer e-mail: the objection form's updates, subscriptions).
 */
export async function startServer(name, { demo = true, smtp = null } = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), `gongshi-e2e-${name}-`));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const database = `sqlite://${path.join(dir, 'e2e.db')}`;
  await mkdir(path.join(OUT, 'logs'), { recursive: true });
  const log = createWriteStream(path.join(OUT, 'logs', `${name}.log`));
  const env = { ...process.env, GONGSHI_LOG: process.env.GONGSHI_LOG || 'warn' };
  const child = spawn(
    binary(),
    ['serve', ...(demo ? ['--demo'] : []), '--test-clock', '--bind', `127.0.0.1:${port}`, '--database', database,
      '--data-dir', path.join(dir, 'data'), '--base-url', base,
      ...(smtp ? ['--smtp', smtp, '--mail-from', '公示 <gongshi@example.cn>'] : [])],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const setupLink = setupLinkFrom(child.stdout);
  await waitHealthy(base, child);

  const cli = async (args, extraEnv = {}) => {
    const { stdout } = await run(binary(), [...args, '--database', database], {
      env: { ...env, ...extraEnv },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  };

  return {
    base,
    port,
    dir,
    database,
    cli,
    /** The one-time `/setup/…` link printed at the start (null once the output ends without one). */
    setupLink: () => setupLink,
    /** `gongshi user add` for a unit; the password goes through the environment, never argv. */
    async addUser({ unit, username, name: displayName, role, password }) {
      await cli(['user', 'add', '--unit', unit, '--username', username, '--name', displayName, '--role', role],
        { GONGSHI_PASSWORD: password });
      return { username, password };
    },
    /** Generates and publishes a level-1 notice of every project the unit declared, open today. */
    async openNotice(unit, campaign = '2025') {
      const out = await cli(['notice', 'generate', '--campaign', campaign, '--unit', unit, '--level', '1',
        '--projects', 'all', '--start', chinaToday()]);
      const id = Number(/公示草稿 (\d+)/.exec(out)?.[1]);
      if (!id) throw new Error(`no notice id in: ${out}`);
      await cli(['notice', 'publish', String(id)]);
      // The test clock stands still from the server's start, while the CLI stamps the
      // publication with the real time: bring the server up to now so it has happened. The
      // server caches public notice state briefly; a write from another process shows up once
      // that lapses.
      await this.clock({ now: new Date() });
      for (let i = 0; i < 50; i++) {
        if ((await fetch(`${base}/api/v1/notices/${id}`)).ok) return id;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`notice ${id} never became public`);
    },
    /** Moves the server's clock: `{ now: Date }` or `{ advanceSeconds: n }`. */
    async clock({ now, advanceSeconds }) {
      const body = now ? { now: now.toISOString() } : { advance_seconds: advanceSeconds };
      const res = await fetch(`${base}/api/__test__/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`test clock answered ${res.status}`);
      return (await res.json()).now;
    },
    async json(pathname) {
      const res = await fetch(`${base}${pathname}`);
      if (!res.ok) throw new Error(`GET ${pathname} answered ${res.status}`);
      return res.json();
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => {
          const t = setTimeout(() => { child.kill('SIGKILL'); r(); }, 5000);
          child.once('exit', () => { clearTimeout(t); r(); });
        });
      }
      log.end();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
