#![no_main]
//! `hookspec::fuzzing::scheme_file`: see the function's documentation.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookspec::fuzzing::scheme_file(data));
