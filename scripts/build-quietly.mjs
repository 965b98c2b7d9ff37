// Builds every package with turbo before `pnpm bench`, without turbo's log in front of
// the bench's own output: nothing is printed unless the build fails, and then all of it.
import { spawnSync } from 'node:child_process';

const build = spawnSync('turbo', ['run', 'build', '--output-logs=errors-only'], {
  encoding: 'utf8',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
});
if (build.error) {
  process.stderr.write(
    `error: could not run turbo (${build.error.message}): run \`pnpm install\` first\n`,
  );
  process.exit(1);
}
if (build.status !== 0) {
  process.stderr.write(build.stdout + build.stderr);
  process.exit(build.status ?? 1);
}
