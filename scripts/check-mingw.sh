#!/bin/sh
# Windows portability check (compile only): every lib/**/*.c and the
# generated built-in KB compile with Debian's mingw-w64 cross-compiler, with
# the project's warnings as errors, and the objects export exactly the
# functions in tests/abi/symbols.txt (DIAG_API is __declspec(dllexport) while
# the library is built: each one leaves an -export directive in .drectve).
#
#   scripts/check-mingw.sh [BUILD_DIR]     (default: build-mingw)
#
# Only yaml.h and pcre2.h are taken from /usr/include, through a directory of
# their own, so no Linux system header leaks in. Needs gcc-mingw-w64-x86-64,
# libyaml-dev and libpcre2-dev.
set -eu
cd "$(dirname "$0")/.."
out=${1:-build-mingw}
cc=${MINGW_CC:-x86_64-w64-mingw32-gcc}
objcopy=${MINGW_OBJCOPY:-x86_64-w64-mingw32-objcopy}

mkdir -p "$out/inc" "$out/obj"
cp /usr/include/yaml.h /usr/include/pcre2.h "$out/inc/"

# The built-in KB, generated as the CMake build does.
kb_inputs=$(find lib/kb/builtin -name '*.yaml' | LC_ALL=C sort | tr '\n' '|' | sed 's/|$//')
cmake -DOUTPUT="$out/builtin_kb.c" "-DINPUTS=$kb_inputs" -P cmake/embed_kb.cmake

# The same warnings as CMakeLists.txt's diag_warnings, as errors.
# __USE_MINGW_ANSI_STDIO: mingw-w64's C99 printf family, for %zu (CMakeLists.txt
# defines it for MinGW builds too).
flags="-std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
       -Wformat=2 -Werror -D__USE_MINGW_ANSI_STDIO=1 -DDIAG_BUILDING_LIBRARY
       -Iinclude -Ilib -I$out/inc"
status=0
count=0
for src in $(find lib -name '*.c' | LC_ALL=C sort) "$out/builtin_kb.c"; do
  obj="$out/obj/$(echo "$src" | tr '/' '_').o"
  # shellcheck disable=SC2086 # $flags is a list of options
  if ! $cc $flags -c "$src" -o "$obj"; then
    echo "check-mingw: $src does not compile for Windows" >&2
    status=1
  fi
  count=$((count + 1))
done
[ "$status" -eq 0 ] || exit 1

# Every exported name, from the objects' linker directives.
for obj in "$out"/obj/*.o; do
  if "$objcopy" -O binary --only-section=.drectve "$obj" "$obj.drectve" 2>/dev/null; then
    { tr ' \000' '\n\n' <"$obj.drectve"; echo; } | sed -n 's/^-export:"\{0,1\}\([A-Za-z0-9_]*\)"\{0,1\}.*/\1/p'
  fi
done | LC_ALL=C sort -u >"$out/exports.txt"
grep -v '^#' tests/abi/symbols.txt | LC_ALL=C sort -u >"$out/symbols.txt"
if ! diff -u "$out/symbols.txt" "$out/exports.txt" >"$out/exports.diff"; then
  echo "check-mingw: the dllexport set differs from tests/abi/symbols.txt" >&2
  echo "(- listed but not exported for Windows, + exported but not listed):" >&2
  sed -n 's/^\([-+]\)\([a-z]\)/\1\2/p' "$out/exports.diff" >&2
  exit 1
fi
echo "check-mingw: $count sources compile for Windows; $(wc -l <"$out/exports.txt") functions are dllexported, as listed"
