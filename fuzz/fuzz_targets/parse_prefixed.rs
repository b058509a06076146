#![no_main]
//! `hookspec::fuzzing::parse_prefixed`: see the function's documentation.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookspec::fuzzing::parse_prefixed(data));
