// LM Frontier command line: JSON on stdout; bad input exits 2 with one line on stderr.
//   npm run cli -- cost <preset | arch.json> [--tokens 128] [--dtype fp32|fp16|int8]
//   npm run cli -- search [--space preset|file] [--budget params=64e6,...] [--objectives decoder-params,latency]
//                         [--evals N] [--seed S] [--format json|csv] [--algorithm nsga2|random]
//   npm run cli -- validate-proxies <reference.json>
//   npm run cli -- measure <preset | arch.json>... [--runtime tfjs|ort] [--backend wasm|cpu] [--tokens 128] [--runs 10] [--rounds 4]
//   npm run cli -- predict --train measured.json [more.json ...] --archs archs.json
//   npm run cli -- validate-train [--k 12] [--steps 300] [--seed 1] [--backend wasm|cpu] [--space preset|file] [--text file.txt]
//                                 [--batch 8] [--seq 64] [--lr 0.003] [--eval-tokens 8192]
//   npm run cli -- export-onnx <preset | arch.json> --out DIR [--seed 1]
import { UsageError } from './args';
import { costCommand, searchCommand, validateProxiesCommand } from './commands';
import { frontierCsv } from '../core/export';
import { predictCommand } from './predict';

const USAGE = 'usage: cli <cost|search|validate-proxies|measure|predict|export-onnx|validate-train> ... (see README)';

async function main(argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'cost':
      return JSON.stringify(costCommand(rest), null, 2);
    case 'search': {
      const { format, result, candidates } = searchCommand(rest);
      return format === 'csv' ? frontierCsv(candidates) : JSON.stringify(result, null, 2);
    }
    case 'validate-proxies':
      return JSON.stringify(validateProxiesCommand(rest), null, 2);
    case 'predict':
      return JSON.stringify(predictCommand(rest), null, 2);
    case 'measure': {
      const { measureCommand } = await import('./measure');
      return JSON.stringify(await measureCommand(rest), null, 2);
    }
    case 'export-onnx': {
      const { exportOnnxCommand } = await import('./exportOnnx');
      return JSON.stringify(exportOnnxCommand(rest), null, 2);
    }
    case 'validate-train': {
      const { validateTrainCommand } = await import('./validateTrain');
      return JSON.stringify(await validateTrainCommand(rest), null, 2);
    }
    default:
      throw new UsageError(command ? `unknown command ${command}; ${USAGE}` : USAGE);
  }
}

main(process.argv.slice(2)).then(
  (out) => {
    process.stdout.write(out + '\n');
  },
  (e: unknown) => {
    const usage = e instanceof UsageError;
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`error: ${msg.split('\n')[0]}\n`);
    process.exit(usage ? 2 : 1);
  },
);
