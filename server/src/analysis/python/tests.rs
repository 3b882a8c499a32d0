//! Tests for Python analysis.
