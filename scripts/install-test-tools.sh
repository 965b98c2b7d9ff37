#!/bin/sh
# Installs the system tools the tests use, once, from Debian's packages:
#   chromium   the report's browser test drives it through playwright-core (no browser
#              is ever downloaded by playwright)
#   hyperfine  pnpm bench:hyperfine, and the test that our JSON export has hyperfine's shape
#   redis-server  the distributed strategies (io-distributed, cpu-distributed) start one
#              of their own for each run unless given --redis; their tests start several.
#              On a machine with systemd, Debian's package also starts a system Redis on
#              port 6379, which speedup never uses.
set -eu
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium fonts-dejavu-core"
command -v hyperfine >/dev/null 2>&1 || missing="$missing hyperfine"
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing="$missing redis-server"
[ -n "$missing" ] || exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: the tests need:$missing; install them with your package manager (or set SPEEDUP_SKIP_BROWSER=1 and SPEEDUP_SKIP_HYPERFINE=1 to skip those tests; the distributed strategies cannot run without redis-server)" >&2
  exit 1
fi
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -qq
# shellcheck disable=SC2086
$as_root apt-get install -y -qq --no-install-recommends $missing
