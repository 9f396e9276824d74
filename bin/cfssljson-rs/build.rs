//! Records the compiler version for `cfssljson-rs -version` ("Runtime:" line).

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        // "rustc 1.95.0 (59807616e 2026-04-14)" → "rustc 1.95.0" (cfssl prints "go1.27.3").
        .and_then(|text| text.split_whitespace().nth(1).map(|v| format!("rustc {v}")))
        .unwrap_or_else(|| "rust".to_owned());
    println!("cargo:rustc-env=CFSSLJSON_RS_RUNTIME={version}");
}
