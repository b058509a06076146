#![no_main]
//! `hookspec::fuzzing::blockmark_token`: see the function's documentation.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookspec::fuzzing::blockmark_token(data));
