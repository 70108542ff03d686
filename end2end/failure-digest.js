// Prints each failed browser test with the first lines of its first error,
// in the order they ran, from Playwright's JSON report (argv[2]).
const fs = require('fs');

const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const failures = [];
const walk = (suite, file) => {
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) {
      for (const result of test.results ?? []) {
        if (result.status === 'passed' || result.status === 'skipped') continue;
        const error = result.errors?.[0] ?? result.error ?? {};
        const where = error.location ? `${error.location.file.split('/').pop()}:${error.location.line}` : `${file}:${spec.line}`;
        failures.push({ start: result.startTime, title: `${file}:${spec.line} › ${spec.title}`, status: result.status, where, message: (error.message ?? '').replace(/\u001b\[[0-9;]*m/g, '') });
      }
    }
  }
  for (const child of suite.suites ?? []) walk(child, file);
};
for (const suite of report.suites ?? []) walk(suite, suite.file ?? suite.title);
failures.sort((a, b) => String(a.start).localeCompare(String(b.start)));
console.log(`\n${failures.length} browser test(s) failed, in the order they ran:`);
for (const f of failures) {
  console.log(`\n✘ ${f.title} [${f.status}] at ${f.where}`);
  for (const line of f.message.split('\n').filter((l) => l.trim()).slice(0, 8)) console.log(`    ${line}`);
}
