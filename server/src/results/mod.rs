//! What a finished run offers the user: hunks against their file, rebasing over their edits, and the report.

pub mod diff;
pub mod metric;
pub mod report;
pub mod set;
