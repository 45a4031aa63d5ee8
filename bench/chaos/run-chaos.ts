import { chaosConfigFromEnv } from './chaos-config';
import { printReport, runChaos } from './chaos-run';

/** `npm run chaos`: one bounded chaos run; exits 1 if the delivery contract broke, 2 if the run itself failed. */
async function main(): Promise<void> {
  const config = chaosConfigFromEnv();
  const report = await runChaos(config);
  printReport(report);
  console.log(`logs, history and report.json in ${config.outDir}`);
  process.exit(report.failing.length ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
