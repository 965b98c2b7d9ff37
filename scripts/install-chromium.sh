#!/bin/sh
# Installs Debian's chromium for the report's browser test, once. The test drives this
# system browser through playwright-core; it never downloads a browser of its own.
set -eu
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: the browser test needs Chromium at /usr/bin/chromium; install it with your package manager (or set SPEEDUP_SKIP_BROWSER=1 to skip that test)" >&2
  exit 1
fi
run_as_root=""
if [ "$(id -u)" -ne 0 ]; then
  run_as_root="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$run_as_root apt-get update -qq
$run_as_root apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
