"""A tiny in-process job runner used by the batch importer."""
