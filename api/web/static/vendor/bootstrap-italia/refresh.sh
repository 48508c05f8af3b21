#!/usr/bin/env bash
# Vendors Bootstrap Italia from the npm registry into this folder: the built
# stylesheet, the woff2 fonts with an @font-face stylesheet of our own, the
# icons the templates use, and the licences. The pages load nothing else of
# the package (no script: every page works without it).
#
#   ./refresh.sh            # the version below
#   ./refresh.sh 2.18.4     # another 2.x version (then update VERSION here and README.md)
#
# Needs npm and node. Run it again after a template starts using another
# icon (`page.icon("it-…")`): the sprite keeps only the icons the templates name.
set -euo pipefail

VERSION="${1:-2.18.3}"
here="$(cd "$(dirname "$0")" && pwd)"
templates="$here/../../../../templates"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "bootstrap-italia@${VERSION}" >/dev/null)
tar -xzf "$work"/bootstrap-italia-*.tgz -C "$work"
dist="$work/package/dist"

rm -rf "$here/css" "$here/fonts" "$here/svg"
mkdir -p "$here/css" "$here/svg"

# The stylesheet, without the reference to a source map that is not vendored.
sed '/sourceMappingURL=/d' "$dist/css/bootstrap-italia.min.css" >"$here/css/bootstrap-italia.min.css"
cp "$work/package/LICENSE" "$here/LICENSE"

# The fonts the stylesheet names (Titillium Web, Lora, Roboto Mono), woff2
# only, and an @font-face rule for each. The package loads them with a script
# (its fonts-loader); here a stylesheet does, with URLs relative to itself.
fontcss="$here/css/fonts.css"
{
    echo "/* Bootstrap Italia ${VERSION} fonts, woff2 only; written by refresh.sh. */"
    for family in Titillium_Web Lora Roboto_Mono; do
        mkdir -p "$here/fonts/$family"
        for lic in OFL.txt LICENSE.txt; do
            if [ -f "$dist/fonts/$family/$lic" ]; then cp "$dist/fonts/$family/$lic" "$here/fonts/$family/"; fi
        done
        for file in "$dist/fonts/$family"/*.woff2; do
            name="$(basename "$file")"
            cp "$file" "$here/fonts/$family/$name"
            face="${name%.woff2}"
            face="${face##*_latin-}" # regular, italic, 700, 700italic, …
            weight="${face%italic}"
            case "$weight" in "" | regular) weight=400 ;; esac
            style=normal
            case "$face" in *italic) style=italic ;; esac
            printf '@font-face{font-family:"%s";font-style:%s;font-weight:%s;font-display:swap;src:url("../fonts/%s/%s") format("woff2")}\n' \
                "${family//_/ }" "$style" "$weight" "$family" "$name"
        done
    done
} >"$fontcss"

# The icons the templates use, and only those.
icons="$(grep -rhoE 'icon\("it-[a-z0-9-]+"\)' "$templates" | sed -E 's/icon\("(.*)"\)/\1/' | sort -u | tr '\n' ' ')"
node - "$dist/svg/sprites.svg" "$here/svg/sprites.svg" $icons <<'JS'
const fs = require("fs");
const [source, target, ...wanted] = process.argv.slice(2);
const svg = fs.readFileSync(source, "utf8");
const symbols = [];
for (const id of wanted) {
  const m = svg.match(new RegExp(`<symbol id="${id}"[^>]*>[\\s\\S]*?</symbol>`));
  if (!m) { console.error(`no icon ${id} in Bootstrap Italia's sprite`); process.exit(1); }
  symbols.push(m[0]);
}
fs.writeFileSync(target, `<svg xmlns="http://www.w3.org/2000/svg">${symbols.join("")}</svg>\n`);
JS

# Plain files (the package ships some as executables).
find "$here/LICENSE" "$here/css" "$here/fonts" "$here/svg" -type f -exec chmod 644 {} +
echo "Bootstrap Italia ${VERSION} vendored; icons: ${icons}"
