import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const INSTALL_HINT = 'sudo apt-get install -y chromium';

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

/**
 * The path of Debian's Chromium, installing it first when running as root. Never skips: without
 * a browser the end-to-end tests fail with the command that fixes it.
 */
export async function ensureChromium(): Promise<string> {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `The end-to-end tests need Chromium at ${CHROMIUM}. Install it with: ${INSTALL_HINT}`,
    );
  }
  try {
    await run('apt-get', ['update']);
    await run('apt-get', ['install', '-y', 'chromium']);
  } catch (error) {
    throw new Error(
      `Installing Chromium failed (${String(error)}). Install it with: ${INSTALL_HINT}`,
    );
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is still missing at ${CHROMIUM}. Install it with: ${INSTALL_HINT}`);
  }
  return CHROMIUM;
}

/** Launches headless Chromium, quiet and offline-friendly (no updates, sync or QUIC). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: await ensureChromium(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}
