#!/bin/sh
# What the tests use besides Python, installed from Debian when missing (and this is root on Debian):
# PostgreSQL, for the storage tests on a throwaway server (tests/pgserver.py), and tmux, for the
# terminal tests (keys typed ahead through a real pty). Without them those tests skip and say why.
# Never fails: the test command goes on either way.
missing=""
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing="postgresql"
fi
if ! command -v tmux >/dev/null 2>&1; then
    missing="$missing tmux"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $missing </dev/null >/dev/null
else
    echo "not installed and not installable here: $missing (their tests will skip)" >&2
fi
exit 0
