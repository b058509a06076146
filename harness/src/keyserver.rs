//! keyserver (in progress).
