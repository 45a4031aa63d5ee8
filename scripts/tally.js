// Prints "N passed, N failed" over jest's and Playwright's JSON reports (reports/jest.json, reports/playwright.json) and
// the chaos run's report (reports/chaos/report.json, one test).
// A missing report counts as one failure: that runner did not finish.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const reports = join(__dirname, '..', 'reports');
const read = (name) => (existsSync(join(reports, name)) ? JSON.parse(readFileSync(join(reports, name), 'utf8')) : undefined);
// no argument: what a full `npm run test:all` runs
const runners = (process.argv[2] ?? 'jest,playwright,chaos').split(',');
let passed = 0;
let failed = 0;

if (runners.includes('jest')) {
  const r = read('jest.json');
  if (!r) failed++;
  else {
    const suiteErrors = r.testResults.filter((s) => s.status === 'failed' && !s.assertionResults.length).length;
    passed += r.numPassedTests;
    failed += r.numFailedTests + suiteErrors;
  }
}
if (runners.includes('playwright')) {
  const r = read('playwright.json');
  if (!r) failed++;
  else {
    passed += r.stats.expected + r.stats.flaky;
    // a global-setup or file-level error fails the run without failing a test: count it
    failed += r.stats.unexpected + (r.errors?.length ?? 0);
  }
}
if (runners.includes('chaos')) {
  // one test: the delivery contract held under chaos (every must-be-zero count was 0)
  const r = read('chaos/report.json');
  if (r && Array.isArray(r.failing) && r.failing.length === 0) passed++;
  else failed++;
}
console.log(`${passed} passed, ${failed} failed`);
