/**
 * What the example scripts share around the training loop: the printed header, model summary and setup,
 * the Adam-with-cosine-decay optimizer, the final `test accuracy: X` line, and running a module as a
 * script with JSON overrides from an environment variable.
 */
import { pathToFileURL } from 'node:url';
import { adam, cosineAnnealing, type Layer, sequential } from '@lucid-ts/nn';
import { random } from '@lucid-ts/ops';
import type { Dataset, Key } from './data/common.js';
import type { ProgressSink } from './progress.js';
import { printSummary } from './summary.js';
import { type TrainResult, train } from './train.js';

/** The training budget every example config has. */
export interface BudgetConfig {
  epochs: number;
  batchSize: number;
  /** Peak learning rate, decayed to 0 over the run by a cosine. */
  lr: number;
  /** Score the test set after every epoch too. */
  evalEachEpoch: boolean;
}

export interface ExampleSetup extends BudgetConfig {
  /** First line printed: what the data is. */
  header: string;
  layers: Layer[];
  train: Dataset;
  test: Dataset;
  /** Initialises the params and drives shuffling. */
  key: Key;
  /** When the run started (data generation included), for the total time. */
  started: number;
}

/**
 * Prints the header, the model summary and the setup, trains `sequential(...layers)` with Adam under a
 * cosine decay from `lr` to 0 (PyTorch `Adam` + `CosineAnnealingLR(T_max = all steps)`), then prints the
 * test loss and total time, and last `test accuracy: X` with 4 decimals.
 */
export function runExample(setup: ExampleSetup, sink: ProgressSink): TrainResult {
  const { layers, epochs, batchSize, lr } = setup;
  const model = sequential(...layers);
  sink.write(`${setup.header}\n`);
  // Parameter counts do not depend on the key; training makes its own params from `setup.key`.
  printSummary(sink, layers, model.init(random.key(0)));
  sink.write(`training: Adam, lr ${lr} with cosine decay to 0, batch ${batchSize}, ${epochs} epochs\n`);
  const steps = Math.max(1, epochs * Math.ceil(setup.train.y.shape[0] / batchSize));
  const result = train({
    model,
    optimizer: adam({ lr: cosineAnnealing({ lr, tMax: steps }) }),
    train: setup.train,
    test: setup.test,
    epochs,
    batchSize,
    key: setup.key,
    sink,
    evalEachEpoch: setup.evalEachEpoch,
  });
  const total = ((performance.now() - setup.started) / 1000).toFixed(1);
  sink.write(`test loss: ${result.test.loss.toFixed(4)}  (total ${total}s)\n`);
  sink.write(`test accuracy: ${result.test.accuracy.toFixed(4)}\n`);
  return result;
}

/**
 * Calls `run(overrides)` when the module at `moduleUrl` is the script Node was started with, the
 * overrides read as JSON from the environment variable `envName` (e.g. `SHAPES3D_CONFIG='{"seed": 1}'`).
 */
export function runIfMain<C>(
  moduleUrl: string,
  envName: string,
  run: (overrides: Partial<C>) => unknown,
): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const json = process.env[envName];
  run(json ? (JSON.parse(json) as Partial<C>) : {});
}
