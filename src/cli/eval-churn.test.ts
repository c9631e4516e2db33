import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { registerEvalChurn, runEvalChurn } from './eval-churn.ts';

// 80 weekly buyers (enough rows for the GBDT's minimum child weight): even customers stop after a few months, odd ones keep buying.
const lines = ['customer_id,date,amount'];
for (let c = 0; c < 80; c++) {
  const stop = c % 2 === 0 ? 60 + (c % 7) * 5 : 400;
  for (let d = c % 5; d < 360 && d < stop; d += 7 + (c % 3)) {
    lines.push(
      `c${c},${new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)},${10 + c}`,
    );
  }
}
const readFile = (path: string) => {
  if (path !== 'tx.csv') throw new Error(`no file ${path}`);
  return lines.join('\n');
};

describe('membrain eval churn', () => {
  it('runs the time-based evaluation from a transactions file', () => {
    const result = runEvalChurn(
      {
        transactions: 'tx.csv',
        calibrationEnd: '2024-06-30',
        holdout: '2024-09-30',
        trainCalibrationEnd: '2024-04-30',
      },
      readFile,
    );
    expect(result.train.calibrationEnd).toBe('2024-04-30');
    expect(result.test.customers).toBe(80);
    expect(result.auc).toBeGreaterThan(0.5);
  });

  it('is registered under the eval command with its required options', async () => {
    const program = new Command().exitOverride();
    const evaluate = program.command('eval').exitOverride();
    registerEvalChurn(evaluate);
    const churn = evaluate.commands.find((c) => c.name() === 'churn');
    expect(churn?.options.map((o) => o.long)).toEqual([
      '--transactions',
      '--calibration-end',
      '--holdout',
      '--train-calibration-end',
      '--json',
    ]);
    churn?.exitOverride().configureOutput({ writeErr: vi.fn() });
    await expect(program.parseAsync(['node', 'membrain', 'eval', 'churn', '--holdout', 'x'])).rejects.toThrow(
      /required option/,
    );
  });
});
