//! Optimization task setup: the `.weco/<task>/` folder, the evaluation harness, the interpreter, the profile and the baseline.
