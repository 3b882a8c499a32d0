#!/usr/bin/env bash
# Runs the evaluation of this task folder with the project's interpreter.
# The folder is relocatable: everything is found next to this script.
cd "$(dirname "$0")" || exit 2
exec __INTERPRETER__ -u evaluate.py "$@"
