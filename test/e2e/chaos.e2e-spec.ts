import { join } from 'node:path';
import { CI_CHAOS } from '../../bench/chaos/chaos-config';
import { printReport, runChaos } from '../../bench/chaos/chaos-run';

/**
 * The delivery contract under chaos, at CI size (`npm run chaos` is the full one): 50 SDK clients send 1:1 and group
 * messages through the split on engines of its own while every app, Redis and the broker are killed once and restarted,
 * Elasticsearch is cut and clients drop. Nothing answered 201 may be lost, shown twice, out of order, or missing or
 * doubled in history. Needs `npm run build`.
 */
describe('the delivery contract under chaos (CI size)', () => {
  it('loses nothing, shows nothing twice, keeps order, and history agrees, while everything fails in turn', async () => {
    const report = await runChaos({ ...CI_CHAOS, outDir: join(__dirname, '..', '..', 'reports', 'chaos-ci') });
    printReport(report);
    // every fault happened at least once, and there was traffic to check
    expect(report.faultRounds).toBeGreaterThanOrEqual(1);
    expect(report.counts.answered201).toBeGreaterThan(0);
    expect({ ...report.counts, examples: report.details }).toMatchObject({
      lost: 0,
      shownTwice: 0,
      outOfOrder: 0,
      missingFromHistory: 0,
      duplicatedInHistory: 0,
      unanswered: 0,
    });
  }, 660_000);
});
