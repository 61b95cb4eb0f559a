/** A published goal and how the run measured against it. */
export interface Goal {
  benchmark: string;
  goal: string;
  measured: string;
  /** null: not measured in this run (e.g. nginx unavailable), or not meaningful (smoke run). */
  met: boolean | null;
  /** Why a goal was not met (or could not be measured), in plain words with the evidence. */
  note?: string;
}

export type Log = (line: string) => void;

export const stderrLog: Log = (line) => process.stderr.write(`${line}\n`);

/** Prints a benchmark's result as JSON when its file is run on its own. */
export function printResult(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
