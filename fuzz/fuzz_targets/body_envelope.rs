#![no_main]
//! `hookspec::fuzzing::body_envelope`: see the function's documentation.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookspec::fuzzing::body_envelope(data));
