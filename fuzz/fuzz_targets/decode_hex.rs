#![no_main]
//! `hookspec::fuzzing::decode_hex`: see the function's documentation.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookspec::fuzzing::decode_hex(data));
