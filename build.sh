#!/usr/bin/env bash
# Inversion.ML build script. Verbs: build, test, pack, sample, bench, quality (default: build then test).
#   ./build.sh            restore + build + test
#   ./build.sh test       run the default test suite (what CI runs)
#   ./build.sh sample     run the quickstart sample on the built-in pretrained ResNet18
#   ./build.sh pack       write the NuGet packages (library Inversion.ML, tool Inversion.ML.Tool) into nuget/out/
#   ./build.sh bench      speed and memory against the machine's limits; writes docs/benchmarks.md (--quick: under a minute)
#   ./build.sh bench --networks DIR [--only a,b] [--rounds N] [--speed-all] [--out FILE]
#                         full-size TorchVision networks (exported into DIR by
#                         tests/Microsoft.ML.Inversion.Benchmarks/export_full_networks.py) against ONNX Runtime:
#                         agreement, gradient, forward time; writes its section of docs/backbones.md
#   ./build.sh bench --convolution-scan
#                         libtorch's CPU convolutions and ours against float64; writes docs/convolution-scan.md
#   ./build.sh quality    measure reconstructions on the shared images; writes docs/quality.md (about 14 min on 2 cores)
# Extra arguments after the verb go to the underlying command.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
configuration="${CONFIGURATION:-Release}"
verb="${1:-default}"
[ $# -gt 0 ] && shift

build() { dotnet build Inversion.ML.sln -c "$configuration" "$@"; }
run_tests() {
  rm -rf TestResults
  dotnet test Inversion.ML.sln -c "$configuration" --logger "trx;LogFilePrefix=tests" --logger "console;verbosity=detailed" --results-directory TestResults "$@"
}

case "$verb" in
  default) build && run_tests --no-build ;;
  build)   build "$@" ;;
  test)    run_tests "$@" ;;
  sample)  dotnet run --project samples/Inversion.Quickstart -c "$configuration" -- "$@" ;;
  bench)   dotnet run --project tests/Microsoft.ML.Inversion.Benchmarks -c "$configuration" -- "$@" ;;
  quality) dotnet run --project tests/Microsoft.ML.Inversion.Quality -c "$configuration" -- "$@" ;;
  pack)    dotnet pack src/Microsoft.ML.Inversion/Microsoft.ML.Inversion.csproj -c "$configuration" -o nuget/out "$@" &&
           dotnet pack src/Microsoft.ML.Inversion.Tool/Microsoft.ML.Inversion.Tool.csproj -c "$configuration" -o nuget/out "$@" ;;
  *) echo "unknown verb '$verb'; expected build, test, pack, sample, bench or quality" >&2; exit 2 ;;
esac
