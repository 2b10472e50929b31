#!/usr/bin/env bash
# Best effort: install Debian's headless Chromium for the JupyterLab browser
# test. The test skips with a clear reason when no browser can be installed.
set -u
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: not root or no apt-get; the browser test will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
(apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium) >/tmp/threadframe-browser-install.log 2>&1 \
  || echo "install-browser: apt-get failed (see /tmp/threadframe-browser-install.log); the browser test will be skipped" >&2
exit 0
