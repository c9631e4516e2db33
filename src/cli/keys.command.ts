import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import type { AppContext } from '../context.ts';
import {
  dataKeyStatus,
  type RotateProgress,
  rotateDataKey,
} from '../modules/crypto-keys/crypto-keys.rotate.ts';
import { cliActor } from './apikey.command.ts';
import { withCliContext } from './cli-context.ts';

type Print = (line: string) => void;

/** `keys status`: every data key, its state and how many members it still encrypts. */
export async function runKeysStatus(ctx: AppContext, print: Print): Promise<void> {
  print(['id', 'status', 'created', 'retired', 'members'].join('\t'));
  for (const key of await dataKeyStatus(ctx)) {
    print([key.id, key.status, key.createdAt, key.retiredAt ?? '-', String(key.members)].join('\t'));
  }
}

/** `keys rotate`: new data key, re-encrypt every member under it, retire the old keys. */
export async function runKeysRotate(
  ctx: AppContext,
  options: { batchSize: number; onProgress?: (progress: RotateProgress) => void },
  print: Print,
): Promise<void> {
  const result = await rotateDataKey(ctx, {
    batchSize: options.batchSize,
    onProgress: options.onProgress,
    actor: cliActor(),
  });
  print(`active key   ${result.keyId}`);
  print(`re-encrypted ${result.reencrypted} member(s) in ${result.passes} pass(es)`);
  print(`retired      ${result.retired.length > 0 ? result.retired.join(', ') : '(none)'}`);
}

function parseBatchSize(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new InvalidArgumentError('must be an integer from 1 to 10000');
  return n;
}

/** A progress bar on stderr, restarted at each pass (a later pass only mops up rows written meanwhile). */
function progressBar(): { onProgress: (p: RotateProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { format: 'pass {pass} [{bar}] {value}/{total} members', stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let pass = 0;
  return {
    onProgress: (p) => {
      if (p.pass !== pass) {
        if (pass !== 0) bar.stop();
        pass = p.pass;
        bar.start(p.total, p.done, { pass });
      } else {
        bar.setTotal(p.total);
        bar.update(p.done, { pass });
      }
    },
    stop: () => {
      if (pass !== 0) bar.stop();
    },
  };
}

/** `membrain keys status|rotate`: data-encryption keys. */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('data-encryption keys for personal data');
  keys
    .command('status')
    .description('list data keys and how many members each still encrypts')
    .action(async () => {
      await withCliContext((ctx) => runKeysStatus(ctx, (line) => console.log(line)));
    });
  keys
    .command('rotate')
    .description(
      'create a new data key, re-encrypt every member under it, retire the old keys (safe while servers run)',
    )
    .option('--batch-size <n>', 'members per transaction', parseBatchSize, 500)
    .action(async (options: { batchSize: number }) => {
      const bar = progressBar();
      const lines: string[] = [];
      try {
        await withCliContext((ctx) =>
          runKeysRotate(ctx, { batchSize: options.batchSize, onProgress: bar.onProgress }, (line) =>
            lines.push(line),
          ),
        );
      } finally {
        // The summary goes to stdout once the bar (on stderr) has finished drawing.
        bar.stop();
        for (const line of lines) console.log(line);
      }
    });
}
