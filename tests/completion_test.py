#!/usr/bin/env python3
"""Shell completion (issue 23): the bash completion script the build generates
(packaging/completion/izdeu) offers each program's options as its --help lists them, the values
it lists for an option are the ones that option's --help describes, and izdeu-query's fields.
Also checks --version on every program. Run by ctest; by hand:

    python3 tests/completion_test.py --bin-dir build/ci
"""
import argparse
import os
import re
import subprocess
import sys
import unittest

ARGS = None
SCRIPT = None
PROGRAMS = []
PATH = ""


def find_programs():
    """The programs the script registers, and a PATH with the folders that hold them."""
    with open(SCRIPT, encoding="utf-8") as f:
        text = f.read()
    names = re.search(r"^complete -F _izdeu_complete (.+)$", text, re.M).group(1).split()
    dirs = {}
    for top, _, files in os.walk(ARGS.bin_dir):
        for name in names:
            if name in files and os.access(os.path.join(top, name), os.X_OK):
                dirs.setdefault(name, top)
    missing = [n for n in names if n not in dirs]
    if missing:
        raise SystemExit(f"no binary for {missing} under {ARGS.bin_dir}")
    return names, os.pathsep.join(sorted(set(dirs.values())) + [os.environ.get("PATH", "")])


def bash(code, cwd=None):
    env = dict(os.environ, PATH=PATH, LC_ALL="C")
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", f"source {SCRIPT}\n{code}"],
                            capture_output=True, text=True, env=env, timeout=60, cwd=cwd)
    if result.returncode != 0:
        raise AssertionError(f"bash failed: {result.stderr}")
    return result.stdout


def complete(line, cwd=None):
    """What the completion offers when TAB is pressed at the end of line, as bash calls it (in the
    folder cwd, for file names)."""
    out = bash(f"""COMP_WORDBREAKS=$' \\t\\n"\\'><=;|&(:'
COMP_LINE={shell_quote(line)}; COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<< "$COMP_LINE"; [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=("")
COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))
_izdeu_complete "${{COMP_WORDS[0]}}" "${{COMP_WORDS[COMP_CWORD]}}" ""
printf '%s\\n' "${{COMPREPLY[@]}}"
""", cwd)
    return [w for w in out.split("\n") if w]


def shell_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def help_text(program):
    return subprocess.run([program, "--help"], capture_output=True, text=True, env=dict(os.environ, PATH=PATH),
                          timeout=60).stdout


def help_options(program):
    """{long option: (takes a value, its description)} read from --help, independently of the
    script's sed: continuation lines are joined to the option above."""
    options, current = {}, None
    for line in help_text(program).split("\n"):
        m = re.match(r"^  (?:-\w \[ )?(--[\w-]+)(?: \])?( arg| \[=arg)?\s*(.*)$", line)
        if m:
            current = m.group(1)
            options[current] = [bool(m.group(2)), m.group(3)]
        elif current and re.match(r"^ {10,}\S", line):
            options[current][1] += " " + line.strip()
        else:
            current = None
    return options


class Completion(unittest.TestCase):
    def test_every_program_offers_exactly_the_options_of_its_help(self):
        for program in PROGRAMS:
            with self.subTest(program=program):
                offered = set(complete(f"{program} --"))
                self.assertEqual(offered, set(help_options(program)))
                self.assertIn("--version", offered)

    def test_listed_option_values_are_the_ones_the_help_describes(self):
        # Every value the script lists for an option is named in that option's --help text, so
        # renaming a format or a sort order in the program fails here until the script follows.
        checked = 0
        for program in PROGRAMS:
            for option, (takes_value, description) in help_options(program).items():
                values = bash(f"_izdeu_option_values {program} {option}").split()
                if values:
                    self.assertTrue(takes_value, f"{program} {option} takes no value")
                for value in values:
                    checked += 1
                    self.assertRegex(description, rf"\b{re.escape(value)}\b", f"{program} {option}")
        self.assertGreaterEqual(checked, 10)

    def test_query_fields_are_the_grammar_fields(self):
        offered = complete("izdeu-query court ")
        self.assertEqual(offered, ["title:", "lang:", "date:", "credit:", "id:"])
        grammar = help_text("izdeu-query")
        for field in offered:
            self.assertIn(field, grammar)

    def test_golden_table(self):
        # line typed before TAB -> what bash is given back (after a ':' or '=' only the rest).
        table = [
            ("izdeu-query --for", ["--format"]),
            ("izdeu-query --format ", ["text", "json", "trec"]),
            ("izdeu-query -f j", ["json"]),
            ("izdeu-query --sort=d", ["date"]),
            ("izdeu-query --color ", ["auto", "always", "never"]),
            ("izdeu-query court ti", ["title:"]),
            ("izdeu-query --plain court l", ["lang:"]),
            ("izdeu-query lang:", ["en", "ru", "kk"]),
            ("izdeu-query lang:k", ["kk"]),
            ("izdeu-query credit:Ak", []),
            ("izdeu-watch --format=", ["text", "json", "mail"]),
            ("izdeu-watch --format m", ["mail"]),
            ("izdeu-index --shard-by ", ["hash", "year"]),
            ("izdeu-index --summary=j", ["json"]),
            ("izdeu-index --stats ", ["text", "json"]),
            ("izdeu-index --no-sp", ["--no-spelling"]),
        ]
        for line, expected in table:
            with self.subTest(line=line):
                self.assertEqual(complete(line), expected)

    def test_only_options_that_take_a_path_offer_file_names(self):
        # Run in this folder, which holds files: a number or a period is never a file name.
        here = os.path.dirname(os.path.abspath(__file__))
        table = [
            ("izdeu-query -n ", []),
            ("izdeu-query --limit=", []),
            ("izdeu-query --since ", ["7d", "2w", "3m", "1y"]),
            ("izdeu-query --time-limit ", []),
            ("izdeu-index --jobs ", []),
            ("izdeu-watch --lock-timeout ", []),
            ("izdeu-watch --mail-to ", []),
            ("izdeu-serve --threads ", []),
            ("izdeu-query --batch completion_te", ["completion_test.py"]),
            ("izdeu-watch --watches completion_te", ["completion_test.py"]),
            ("izdeu-watch --state completion_te", ["completion_test.py"]),
            ("izdeu-index --kazakh-lexicon completion_te", ["completion_test.py"]),
        ]
        for line, expected in table:
            with self.subTest(line=line):
                self.assertEqual(complete(line, cwd=here), expected)

    def test_paths_are_completed_for_the_indexer(self):
        here = os.path.dirname(os.path.abspath(__file__))
        self.assertIn(os.path.join(here, "completion_test.py"),
                      complete(f"izdeu-index {os.path.join(here, 'completion_te')}"))
        self.assertIn(here, complete(f"izdeu-index --db {here[:-1]}"))


class Version(unittest.TestCase):
    def test_every_program_prints_the_project_and_library_versions(self):
        with open(os.path.join(ARGS.source_dir, "CMakeLists.txt"), encoding="utf-8") as f:
            cmake = f.read()
        version = re.search(r"project\(izdeu VERSION ([\d.]+)", cmake).group(1)
        for program in PROGRAMS:
            with self.subTest(program=program):
                result = subprocess.run([program, "--version"], capture_output=True, text=True,
                                        env=dict(os.environ, PATH=PATH), timeout=60)
                self.assertEqual(result.returncode, 0)
                self.assertRegex(result.stdout, rf"^{program} {re.escape(version)} \(Xapian \d+\.\d+\.\d+, "
                                 r"ICU \d+\.\d+(\.\d+)?, Unicode \d+\.\d+(\.\d+)?\)\n$")


def main():
    global ARGS, SCRIPT, PROGRAMS, PATH
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--source-dir", default=os.path.join(os.path.dirname(__file__), ".."))
    ARGS, rest = parser.parse_known_args()
    ARGS.bin_dir = os.path.abspath(ARGS.bin_dir)  # some cases run in another folder
    SCRIPT = os.path.join(ARGS.bin_dir, "packaging", "completion", "izdeu")
    PROGRAMS, PATH = find_programs()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
