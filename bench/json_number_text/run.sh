#!/usr/bin/env bash
# Compiles the benchmark against the built jar's classes and runs it; writes results.txt next to this script.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
mvn -q -B -DskipTests package
mvn -q -B dependency:build-classpath -Dmdep.outputFile="$here/.classpath"
cp="target/classes:$(cat "$here/.classpath")"
out=$(mktemp -d)
javac -d "$out" -cp "$cp" "$here/JsonNumberTextBench.java"
java -Xmx1g -cp "$out:$cp" dev.jepserve.http.codec.JsonNumberTextBench | tee "$here/results.txt"
rm -rf "$out" "$here/.classpath"
