#!/usr/bin/env sh
# `test` runs the suite; anything else is passed to the rlalign CLI.
set -e
cd /src
if [ "$1" = "test" ]; then
  shift
  exec dotnet test RlAlign.sln -c "${RLALIGN_CONFIGURATION:-Release}" "$@"
fi
exec dotnet run --no-build -c "${RLALIGN_CONFIGURATION:-Release}" --project src/RlAlign.Cli -- "$@"
