#!/bin/sh
# Installs what building and testing libdiag needs, from Debian's archive,
# but only when something is missing (so `make` stays quick once set up).
set -e
need=""
command -v cmake >/dev/null 2>&1 || need="$need cmake"
command -v cc >/dev/null 2>&1 || need="$need build-essential"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v python3 >/dev/null 2>&1 || need="$need python3"
if command -v pkg-config >/dev/null 2>&1; then
  pkg-config --exists yaml-0.1 || need="$need libyaml-dev"
  pkg-config --exists libpcre2-8 || need="$need libpcre2-dev"
  pkg-config --exists cmocka || need="$need libcmocka-dev"
else
  need="$need libyaml-dev libpcre2-dev libcmocka-dev"
fi
# The Python binding's tests use Debian's pytest, setuptools, wheel and venv.
/usr/bin/python3 -c "import pytest, setuptools, wheel, ensurepip" 2>/dev/null ||
  need="$need python3-pytest python3-setuptools python3-wheel python3-venv"
[ -z "$need" ] && exit 0
echo "Installing:$need"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need
