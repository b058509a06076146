#![no_main]
//! `hookspec::fuzzing::verify_delivery`: see the function's documentation.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookspec::fuzzing::verify_delivery(data));
