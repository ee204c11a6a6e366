#!/usr/bin/env bash
# Consumer test: packs Inversion.ML, creates a brand-new console project in a temporary folder that references the
# .nupkg from nuget/out/ plus libtorch-cpu-linux-x64 and Microsoft.ML.DnnImageFeaturizer.ResNet18, builds it, runs one
# inversion of conv1 on one shared photograph and checks the PNG it writes (96×96). This proves that a consumer on
# this Linux gets a TorchSharp that loads (the package's buildTransitive native fix) with no manual step.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
image="$repo/tests/images/chelsea.png"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

rm -f "$repo"/nuget/out/Inversion.ML.[0-9]*.nupkg "$repo"/nuget/out/Inversion.ML.[0-9]*.snupkg
dotnet pack "$repo/src/Microsoft.ML.Inversion/Microsoft.ML.Inversion.csproj" -c Release -o "$repo/nuget/out" -nologo -v:q
package=$(ls "$repo"/nuget/out/Inversion.ML.[0-9]*.nupkg | head -n 1)
version=$(basename "$package" .nupkg); version=${version#Inversion.ML.}
# A package of the same version restored earlier may differ: drop it from the cache so this build is the one used.
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
rm -rf "$cache/inversion.ml/$version"

cd "$work"
dotnet new console -n Consumer -o Consumer --framework net10.0 >/dev/null
cd Consumer
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="inversion-local" value="$repo/nuget/out" />
  </packageSources>
</configuration>
XML
dotnet add package Inversion.ML --version "$version" >/dev/null
dotnet add package libtorch-cpu-linux-x64 --version 2.10.0 >/dev/null
dotnet add package Microsoft.ML.DnnImageFeaturizer.ResNet18 --version 0.23.1 >/dev/null
cp "$repo/tests/consumer/Program.cs.template" Program.cs
dotnet build -c Release -nologo -v:q -p:NoWarn=NU1603 >build.log 2>&1 || { cat build.log; echo "consumer: build failed"; exit 1; }
output="$work/reconstruction.png"
dotnet bin/Release/net10.0/Consumer.dll "$image" "$output"

# PNG: 8-byte signature, then the IHDR chunk with big-endian width and height at bytes 16..23.
[ -f "$output" ] || { echo "consumer: no PNG written"; exit 1; }
signature=$(od -An -tx1 -N8 "$output" | tr -d ' \n')
width=$(od -An -tu1 -j16 -N4 "$output" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
height=$(od -An -tu1 -j20 -N4 "$output" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
if [ "$signature" != "89504e470d0a1a0a" ] || [ "$width" != 96 ] || [ "$height" != 96 ]; then
  echo "consumer: expected a 96x96 PNG, got signature $signature, ${width}x${height}"
  exit 1
fi
echo "consumer: OK (${width}x${height} PNG from package $version)"
