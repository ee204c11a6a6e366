#!/usr/bin/env bash
# Tool test: packs the `inversion` .NET tool into nuget/out, installs it from there into a temporary tool path (as a
# user would with `dotnet tool install`), runs it on a photograph at two layers with few steps and checks its files;
# then opens the report in a real browser (Debian's headless chromium) and checks that it rendered: a screenshot that
# is not blank and a DOM in which every image reports itself loaded and every layer has its energy curve.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
fail() { echo "tool: $*"; exit 1; }

rm -f "$repo"/nuget/out/Inversion.ML.Tool.*.nupkg
dotnet pack "$repo/src/Microsoft.ML.Inversion.Tool/Microsoft.ML.Inversion.Tool.csproj" -c Release -o "$repo/nuget/out" -nologo -v:q
package=$(ls "$repo"/nuget/out/Inversion.ML.Tool.*.nupkg | head -n 1)
version=$(basename "$package" .nupkg); version=${version#Inversion.ML.Tool.}
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
rm -rf "$cache/inversion.ml.tool/$version"
dotnet tool install Inversion.ML.Tool --version "$version" --tool-path "$work/tools" --add-source "$repo/nuget/out" >/dev/null

inversion="$work/tools/inversion"
"$inversion" --help > "$work/help.txt"
for option in --image --layers --layer --iterations --preset --precision --method --task --channels --channel --positions --model --mean --std --range --bgr --representation --out --list-layers --help; do
  grep -q -- "^  $option .*(default: " "$work/help.txt" || fail "--help does not list $option with its default"
done
set +e; "$inversion" --iterations zero >/dev/null 2>"$work/mistake.txt"; code=$?; set -e
[ "$code" = 2 ] || fail "a mistake should exit with code 2, got $code"
[ "$(wc -l < "$work/mistake.txt")" = 1 ] || fail "a mistake should print one line, got: $(cat "$work/mistake.txt")"

# Every step in float32 on request; a type it does not know is a mistake naming the option.
"$inversion" --image "$repo/tests/images/coffee.png" --layers stage2 --iterations 4 --precision float32 --out "$work/float32" >"$work/float32.log" 2>&1 \
  || { cat "$work/float32.log"; fail "--precision float32 failed"; }
[ -s "$work/float32/stage2-ours.png" ] || fail "--precision float32 wrote no stage2 image: $(ls "$work/float32")"
set +e; "$inversion" --precision half --layers stage2 --iterations 4 --out "$work/half" >/dev/null 2>"$work/precision-mistake.txt"; code=$?; set -e
[ "$code" = 2 ] && grep -q -- "--precision" "$work/precision-mistake.txt" || fail "--precision half should exit 2 naming --precision, got $code: $(cat "$work/precision-mistake.txt")"

# One unit per channel: a file per unit; a position count that fits neither is a mistake.
"$inversion" --task maximize --layers stage1 --channels 3,7 --positions 100 --iterations 4 --out "$work/units" >"$work/units.log" 2>&1 \
  || { cat "$work/units.log"; fail "--task maximize --positions failed"; }
[ -s "$work/units/stage1-ch3-at100-maximize.png" ] && [ -s "$work/units/stage1-ch7-at100-maximize.png" ] || fail "--positions wrote no unit images: $(ls "$work/units")"
set +e; "$inversion" --task maximize --layers stage1 --channels 3,7,9 --positions 1,2 --iterations 4 --out "$work/units2" >/dev/null 2>"$work/units-mistake.txt"; code=$?; set -e
[ "$code" = 2 ] && grep -q -- "--positions" "$work/units-mistake.txt" || fail "two positions for three channels should exit 2 naming --positions, got $code: $(cat "$work/units-mistake.txt")"

# --model with its own preprocessing: the ResNet18 file the tool carries, as a user's 0–255 BGR network.
model=$(find "$work/tools" -name ResNet18.onnx | head -n 1)
"$inversion" --model "$model" --range 255 --bgr --mean 123.7,116.3,103.5 --std 1,1,1 --list-layers > "$work/layers.txt" || fail "--model --list-layers failed"
grep -q "Conv" "$work/layers.txt" || fail "--list-layers printed no Conv layer for --model"

out="$work/out"
"$inversion" --image "$repo/tests/images/chelsea.png" --layers conv1,stage2 --iterations 12 --method both --out "$out" >"$work/run.log" 2>&1 \
  || { cat "$work/run.log"; fail "the run failed"; }
for f in original.png conv1-ours.png conv1-naive.png stage2-ours.png stage2-naive.png contact-sheet.png summary.json report.html; do
  [ -s "$out/$f" ] || fail "missing $f"
done
grep -q '"lossCurve"' "$out/summary.json" || fail "summary.json has no loss curves"
grep -q '"settings"' "$out/summary.json" || fail "summary.json has no settings"
echo "tool: installed $version and wrote $(ls "$out" | wc -l) files"

if ! command -v chromium >/dev/null; then
  fail "chromium is not installed (.ci/run installs Debian's chromium)"
fi
browser() { timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
  --user-data-dir="$work/profile" --window-size=1400,1400 "$@" "file://$out/report.html" 2>/dev/null; }
browser --screenshot="$work/report.png" >/dev/null
browser --dump-dom > "$work/dom.html"
[ -s "$work/report.png" ] || fail "no screenshot"
# A blank 1400×1400 page compresses to a few kilobytes; the report's photographs make it hundreds.
size=$(stat -c %s "$work/report.png")
[ "$size" -gt 100000 ] || fail "the screenshot is nearly blank ($size bytes)"
images=$(grep -o '<img ' "$work/dom.html" | wc -l)
loaded=$(grep -o 'data-loaded="true"' "$work/dom.html" | wc -l)
curves=$(grep -o '<polyline' "$work/dom.html" | wc -l)
[ "$images" -ge 9 ] || fail "expected the contact sheet, 4 originals and 4 reconstructions, found $images images"
[ "$loaded" = "$images" ] || fail "$loaded of $images images loaded in the browser"
[ "$curves" = 4 ] || fail "expected 4 energy curves, found $curves"
echo "tool: OK (report rendered in chromium: $images images loaded, $curves curves, screenshot $size bytes)"
