"""What the end-to-end test scripts share: their command line, writing files as given, and the
verdict of a table-driven check. Each script keeps its own helpers for what only it needs."""

import argparse
import os
import sys
import unittest


def parse_args(*required):
    """--bin-dir (and any of --source-dir ...) made absolute; the rest is left for unittest."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    for option in required:
        parser.add_argument(option, required=True)
    args, rest = parser.parse_known_args()
    for name, value in vars(args).items():
        if name.endswith("_dir"):
            setattr(args, name, os.path.abspath(value))
    return args, rest


def unittest_main(rest):
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


def write_file(path, content, mode="w", encoding="utf-8"):
    """Bytes or text exactly as given (no newline translation), creating the folders."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if "b" in mode:
        with open(path, mode) as f:
            f.write(content)
    else:
        with open(path, mode, encoding=encoding, newline="") as f:
            f.write(content)
    return path


def verdict(failures, verbose=False):
    """Prints the failures of a table-driven check (all of them with --verbose) and the exit code."""
    if verbose or failures:
        for f in failures:
            print("FAIL", f)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0
