#!/usr/bin/env python3
"""`cmake --install` of the cli component into a temporary prefix: bin/oscore-idu runs,
share/man/man1/oscore-idu.1 is a man page groff accepts without a warning and that
documents every option `--help` lists for each subcommand, and the bash completion parses
and completes. (The plugin component is left out: it installs into Wireshark's system
folder whatever the prefix.)

  install_layout.py --build BUILD_DIR --cmake CMAKE
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

SUBCOMMANDS = ("analyze", "exposure")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--cmake", required=True)
    args = parser.parse_args()
    problems = []
    with tempfile.TemporaryDirectory() as prefix:
        install = subprocess.run([args.cmake, "--install", args.build, "--prefix", prefix, "--component", "cli"],
                                 capture_output=True, text=True)
        if install.returncode != 0:
            print(f"cmake --install failed: {install.stdout}{install.stderr}", file=sys.stderr)
            return 1
        binary = os.path.join(prefix, "bin", "oscore-idu")
        page = os.path.join(prefix, "share", "man", "man1", "oscore-idu.1")
        completion = os.path.join(prefix, "share", "bash-completion", "completions", "oscore-idu")
        for path in (binary, page, completion):
            if not os.path.isfile(path):
                problems.append(f"not installed: {os.path.relpath(path, prefix)}")
        if problems:
            print("\n".join(problems), file=sys.stderr)
            return 1
        version = subprocess.run([binary, "version"], capture_output=True, text=True)
        if version.returncode != 0 or not version.stdout.startswith("oscore-idu "):
            problems.append(f"installed binary: `version` gave {version.returncode} {version.stdout!r}")

        groff = shutil.which("groff")
        if groff is None:
            problems.append("groff not found (Debian package groff-base): cannot check the man page")
        else:
            rendered = subprocess.run([groff, "-man", "-Tascii", "-P-cbou", "-ww", page], capture_output=True, text=True)
            if rendered.returncode != 0 or rendered.stderr.strip():
                problems.append(f"groff rejects the man page: {rendered.stderr.strip()}")
            text = rendered.stdout
            for sub in SUBCOMMANDS:
                if f"OSCORE-IDU {sub.upper()}" not in text:
                    problems.append(f"man page has no section for {sub}")
                help_text = subprocess.run([binary, sub, "--help"], capture_output=True, text=True).stdout
                for option in sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", help_text)) - {"--help"}):
                    if option not in text:
                        problems.append(f"man page lacks {sub} {option}")
            if "EXIT STATUS" not in text:
                problems.append("man page has no EXIT STATUS")
        man = shutil.which("man")
        if man:
            shown = subprocess.run([man, "-l", page], capture_output=True, text=True, env={**os.environ, "MANPAGER": "cat",
                                                                                             "PAGER": "cat"})
            if shown.returncode != 0 or "--interface" not in shown.stdout.replace("\u2010", "-").replace("\u2212", "-"):
                problems.append(f"man -l does not render the page: {shown.returncode} {shown.stderr.strip()}")

        syntax = subprocess.run(["bash", "-n", completion], capture_output=True, text=True)
        if syntax.returncode != 0:
            problems.append(f"bash cannot parse the completion: {syntax.stderr}")
        script = (f"source {completion}; COMP_WORDS=(oscore-idu analyze --inter); COMP_CWORD=2; _oscore_idu; "
                  f"echo \"${{COMPREPLY[@]}}\"; COMP_WORDS=(oscore-idu ana); COMP_CWORD=1; _oscore_idu; "
                  f"echo \"${{COMPREPLY[@]}}\"")
        completed = subprocess.run(["bash", "-c", script], capture_output=True, text=True).stdout.splitlines()
        if completed != ["--interface", "analyze"]:
            problems.append(f"completion of 'analyze --inter' and 'ana' gave {completed}")
    for p in problems:
        print(p, file=sys.stderr)
    print(f"installed into a temporary prefix, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
