//! vectors (in progress).
