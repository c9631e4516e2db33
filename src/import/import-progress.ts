import cliProgress from 'cli-progress';
import type { ImportProgress } from './import-runner.ts';

/** A progress bar on stderr: share of the file read, rows, rows per second and ETA. */
export interface ProgressBar {
  update(progress: ImportProgress): void;
  stop(): void;
}

/**
 * Progress over bytes read (compressed bytes for .gz), which is known up front for any file
 * size; the ETA follows from it. Silent when stderr is not a terminal.
 */
export function createProgressBar(label: string, unit = 'rows'): ProgressBar {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} {bar} {percentage}% | {rows} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let running = false;
  return {
    update({ bytesRead, totalBytes, rows }) {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      const payload = {
        rows: rows.toLocaleString('en'),
        rate: (rows / seconds).toLocaleString('en', { maximumFractionDigits: 1 }),
      };
      if (!running) {
        bar.start(Math.max(totalBytes, 1), 0, payload);
        running = true;
      }
      bar.update(Math.min(bytesRead, totalBytes), payload);
    },
    stop() {
      if (running) bar.stop();
    },
  };
}
