#![no_main]
//! `hookspec::fuzzing::vector_file`: see the function's documentation.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookspec::fuzzing::vector_file(data));
