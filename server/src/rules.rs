//! The guidance documents and harness templates in `rules/`, embedded in the binary.
