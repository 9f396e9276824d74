//! cfssljson's input (docs/cfssl-compat.md §2): `parse_input`, then `select_payload` both with and
//! without `-bare`, then `plan_files` and `render_stdout` — never writing a file.
//!
//! Invariants:
//! * nothing panics, whatever the bytes;
//! * every planned file name is the basename plus a suffix, names are unique, private keys
//!   (`*-key.pem`, `*-key.enc`) are mode 0600 and flagged, and nothing is world-writable;
//! * `render_stdout` prints one newline-terminated entry per file;
//! * `wipe_value` leaves no non-zero byte in any string.
#![no_main]

use cfssl_output::{Value, parse_input, plan_files, render_stdout, select_payload, wipe_value};
use libfuzzer_sys::fuzz_target;

const BASENAME: &str = "out";

fuzz_target!(|data: &[u8]| {
    let Ok(mut doc) = parse_input(data) else {
        return;
    };
    for bare in [false, true] {
        if let Ok(payload) = select_payload(&doc, bare) {
            assert!(
                matches!(payload, Value::Object(_) | Value::Null),
                "select_payload returned neither an object nor null"
            );
            check_plan(payload);
        }
    }
    // Planning straight from the document (as with -bare) must not panic either.
    let _ = plan_files(&doc, BASENAME);

    wipe_value(&mut doc);
    assert!(is_wiped(&doc), "wipe_value left secret bytes behind");
});

fn check_plan(payload: &Value) {
    let Ok(files) = plan_files(payload, BASENAME) else {
        return;
    };
    let mut names = Vec::new();
    for file in &files {
        let suffix = file
            .name
            .strip_prefix(BASENAME)
            .unwrap_or_else(|| panic!("file {:?} does not start with the basename", file.name));
        assert!(
            !suffix.contains('/'),
            "file name {:?} leaves the directory",
            file.name
        );
        let is_key = suffix == "-key.pem" || suffix == "-key.enc";
        assert_eq!(
            file.is_private_key, is_key,
            "key flag wrong for {:?}",
            file.name
        );
        if is_key {
            assert_eq!(file.mode, 0o600, "{:?} must be 0600", file.name);
        }
        assert_eq!(file.mode & 0o002, 0, "{:?} is world-writable", file.name);
        assert!(!names.contains(&file.name), "{:?} planned twice", file.name);
        names.push(file.name.clone());
    }
    let out = render_stdout(&files);
    let newlines = out.iter().filter(|&&b| b == b'\n').count();
    assert!(newlines >= files.len(), "render_stdout lost an entry");
    if !files.is_empty() {
        assert_eq!(
            out.last(),
            Some(&b'\n'),
            "render_stdout output not terminated"
        );
    }
}

fn is_wiped(value: &Value) -> bool {
    let clear = |s: &str| s.bytes().all(|b| b == 0);
    match value {
        Value::String(s) | Value::Number(s) => clear(s),
        Value::Array(items) => items.iter().all(is_wiped),
        Value::Object(fields) => fields.iter().all(|(k, v)| clear(k) && is_wiped(v)),
        Value::Null | Value::Bool(_) => true,
    }
}
