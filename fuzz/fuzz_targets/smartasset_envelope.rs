#![no_main]
//! `hookspec::fuzzing::smartasset_envelope`: see the function's documentation.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookspec::fuzzing::smartasset_envelope(data));
