// Runs once before the e2e files: says loudly why the browser suites skip on a machine without
// Debian's chromium, instead of letting a green run look like a tested one.
import { existsSync } from 'node:fs';

const CHROMIUM_PATH = '/usr/bin/chromium';

export default function setup(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  console.warn(
    `\n[e2e] ${CHROMIUM_PATH} not found: the browser tests are SKIPPED (only the HTTP smoke test runs).\n` +
      '[e2e] Install it with: apt-get update && apt-get install -y chromium\n',
  );
}
