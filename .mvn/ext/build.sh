#!/usr/bin/env bash
# Rebuilds compile-before-exec.jar (or the jar named by $1) from src/ against the Maven installation's own API jars.
# Run it after changing src/; commit the jar with the source. (Maven loads core extensions
# before it can build anything, so the jar is kept built.)
set -euo pipefail
cd "$(dirname "$0")"
lib=$(dirname "$(dirname "$(readlink -f "$(command -v mvn)")")")/lib
out=$(mktemp -d)
# BlasCore is the project's own source file (src/main/java), the one rule for the BLAS core type
javac --release 11 -nowarn -cp "$lib/*" -d "$out" src/rnnlab/build/CompileBeforeExec.java \
  ../../src/main/java/rnnlab/kernels/BlasCore.java
mkdir -p "$out/META-INF/sisu"
cp src/META-INF/sisu/javax.inject.Named "$out/META-INF/sisu/"
# fixed timestamps, so the same source gives the same jar
find "$out" -exec touch -d '2000-01-01T00:00:00Z' {} +
target=$(readlink -f "${1:-compile-before-exec.jar}")
(cd "$out" && jar --create --file "$target" --date=2000-01-01T00:00:00Z META-INF rnnlab)
rm -rf "$out"
echo "built $target"
