#![no_main]
//! `hookspec::fuzzing::static_token`: see the function's documentation.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookspec::fuzzing::static_token(data));
