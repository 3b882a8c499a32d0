//! The project-wide index: which file defines what, and the cross-file dependencies of a function.
