#!/usr/bin/env python3
"""Jar rewriting for benchmarks/gpu-bundle.sh (runs on the build machine only).

  jars.py stored IN.jar OUT.jar
      the same entries, in the same order, stored without compression (the bundle's outer
      xz then compresses the raw class files and native libraries far better than deflate),
      less the native libraries of platforms other than linux-x86_64 (grpc-netty-shaded
      carries tcnative for five platforms) and GraalVM native-image configuration.
  jars.py thin IN.jar OUT.jar MAIN_CLASS CLASS_PATH_ENTRY...
      IN's entries (stored) with a new manifest: Main-Class and a Class-Path of the given
      relative entries, so `java -jar OUT.jar` works next to them.
"""
import re
import warnings
import sys
import zipfile

# a native library (or a folder of them) for a platform the bundle never runs on
OTHER_PLATFORM = re.compile(
    r"(?i)(aarch_?64|arm64|armhf|ppc64|s390|riscv|osx|macosx|darwin|windows|win32|win64|android|ios-)")
NATIVE = re.compile(r"(?i)(\.so(\.[0-9]+)*|\.dll|\.dylib|\.jnilib)$")


def other_platform(name):
    """True for native libraries of another platform and GraalVM native-image metadata."""
    if name.startswith("META-INF/native-image/"):
        return True
    if name.endswith(".class"):
        return False
    return bool(NATIVE.search(name) or name.startswith("META-INF/native/")) and bool(OTHER_PLATFORM.search(name))


# JCuda natives the engine never loads (it uses the driver API only; the driver JIT-compiles PTX itself):
# the nvPTX compiler alone is 24 MB of the 26 MB jcuda-natives jar
UNUSED_NATIVE = re.compile(r"libJNvPTXCompiler-[^/]*\.so$")


def copy_entries(src, dst, skip=()):
    with zipfile.ZipFile(src) as zin:
        for info in zin.infolist():
            if info.filename in skip or other_platform(info.filename) or UNUSED_NATIVE.search(info.filename):
                continue
            data = b"" if info.is_dir() else zin.read(info)
            out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            out.external_attr = info.external_attr
            out.create_system = info.create_system
            out.compress_type = zipfile.ZIP_STORED
            dst.writestr(out, data)


def manifest(main_class, class_path):
    def header(name, value):
        raw = f"{name}: {value}".encode("utf-8")
        lines = [raw[:72]]
        raw = raw[72:]
        while raw:  # continuation lines: one leading space, 72 bytes at most in all
            lines.append(b" " + raw[:71])
            raw = raw[71:]
        return b"\r\n".join(lines) + b"\r\n"
    return (header("Manifest-Version", "1.0") + header("Created-By", "benchmarks/gpu-bundle.sh")
            + header("Main-Class", main_class) + header("Class-Path", " ".join(class_path)) + b"\r\n")


def main(argv):
    # some jars (archunit) repeat folder entries; they are copied as they are
    warnings.filterwarnings("ignore", message="Duplicate name")
    if len(argv) >= 3 and argv[0] == "stored":
        with zipfile.ZipFile(argv[2], "w", zipfile.ZIP_STORED) as zout:
            copy_entries(argv[1], zout)
    elif len(argv) >= 4 and argv[0] == "thin":
        with zipfile.ZipFile(argv[2], "w", zipfile.ZIP_STORED) as zout:
            zout.writestr("META-INF/MANIFEST.MF", manifest(argv[3], argv[4:]))
            copy_entries(argv[1], zout, skip=("META-INF/MANIFEST.MF",))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
