#![no_main]
//! `hookspec::fuzzing::sign_verify`: see the function's documentation.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookspec::fuzzing::sign_verify(data));
