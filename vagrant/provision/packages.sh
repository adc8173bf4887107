#!/usr/bin/env bash
# Installs what the lab needs on a VM: bin/setup's Debian packages and JDK check, then the build.
set -euo pipefail
/ocelot/bin/setup
