#![no_main]
//! `hookspec::fuzzing::js_stringify`: see the function's documentation.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookspec::fuzzing::js_stringify(data));
