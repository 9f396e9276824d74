//! The black-box tests of `cfssl-rs` and `cfssljson-rs`: each module runs the release
//! candidate binaries (`CARGO_BIN_EXE_*`) on real files and checks what they print and write
//! with tools we did not write (openssl, Python `cryptography`, pkilint, cfssl 1.2, kubectl,
//! sqlite3, psql, curl, …; `common` holds the shared helpers and the missing-tool rule).
//!
//! Why one test binary: cargo builds every file directly under `tests/` as a crate of its
//! own, so 25 files meant compiling `common` 25 times and linking 25 executables, a few
//! minutes of a 2-core CI run. As modules of one crate they build once. A module's tests are
//! still selected by its name: `cargo test -p cfssl-rs --test blackbox -- workflows::`.

mod common;

mod bad_input_matrix;
mod bad_inputs;
mod batch;
mod bundle;
mod ceremony;
mod cli_framework;
mod encrypted_keys;
mod k8s;
mod key_shares;
mod ledger;
mod ledger_servers;
mod lint;
mod lint_clean;
mod multirootca;
mod name_constraints;
mod pkcs12;
mod refusals;
mod remote;
mod replicas;
mod serve;
mod tokens;
mod transcript;
mod validity;
mod workflows;
