#!/bin/sh
exec python3 evaluate.py
