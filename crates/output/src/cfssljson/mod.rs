//! The core of `cfssljson`: turn cfssl's JSON output into the files it describes.
//!
//! docs/cfssl-compat.md §2 is the behaviour reproduced here; the deliberate differences are those of
//! docs/differences.md #9 (a non-string value is an error, not a panic), #11 (atomic writes, keys
//! never silently replaced) and #12 (empty input is explained). The steps:
//!
//! 1. [`parse_input`]: bytes → JSON document.
//! 2. [`select_payload`]: with `-bare` the document itself, otherwise the `result` of cfssl's
//!    API envelope `{"success","result","errors","messages"}`.
//! 3. [`plan_files`]: the payload → the ordered list of [`OutputFile`]s (names, contents, modes).
//! 4. [`render_stdout`] for `-stdout`, or [`write_files_atomically`].

mod error;
mod input;
mod plan;
mod write;

pub use error::{CfssljsonError, go_os_error};
pub use input::{parse_input, select_payload, wipe_value};
pub use plan::{OutputFile, is_bundle_output, plan_files, render_stdout};
pub use write::{Written, write_files_atomically};
