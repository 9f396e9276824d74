//! CA keys that never leave a PKCS#11 token (hardware security module, smart card,
//! SoftHSM): RFC 7512 URIs, signing with a key in a token, and making keys inside one.
//!
//! ```no_run
//! use cfssl_pkcs11::{Access, Pkcs11Uri, TokenKey};
//!
//! let uri = Pkcs11Uri::parse(
//!     "pkcs11:token=Root%20CA;object=root-key;type=private\
//!      ?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/media/usb/pin",
//! )?;
//! let key = TokenKey::open(&uri, Access { module_env: None, pin: &mut |_token| None })?;
//! let alg = key.signature_algorithm();
//! let signature = key.sign_with(&alg, b"tbsCertificate")?; // already verified
//! # Ok::<(), cfssl_pkcs11::Pkcs11Error>(())
//! ```
//!
//! # Why a separate crate
//!
//! PKCS#11 means loading the token vendor's shared library into our process (`dlopen`) and
//! calling it through C function pointers. That unsafe code lives in Parsec's `cryptoki`
//! crate; ours stays `forbid(unsafe_code)`. Keeping it out of `cfssl-keys` means every other
//! crate builds and tests without a PKCS#11 module around.
//!
//! # Rules
//!
//! * The library never reads the environment or a terminal: the caller passes the value of
//!   `CFSSL_PKCS11_MODULE` and a PIN callback in [`Access`]. A PIN comes from the URI's
//!   `pin-source=file:` or from that callback, never from the URI itself (`pin-value` is
//!   refused) nor from argv.
//! * One module is loaded and initialised once per process and kept (see `module.rs`).
//! * A URI must select exactly one token and exactly one private key; each way of failing
//!   has its own [`Pkcs11Error`] variant naming what was looked for and what was found.
//! * Every signature is verified with a public key before it is returned.
//!
//! # Static builds
//!
//! `cryptoki` loads the module with `dlopen` (through `libloading`). A static-pie glibc binary
//! (`scripts/build-static`) links with this crate (glibc's linker warns that `dlopen` in a static
//! program needs, at run time, the shared libraries of the glibc it was linked with). Checked on
//! Debian 12: a static-pie program built from this crate loaded SoftHSM2 (which pulls in
//! libstdc++ and libcrypto) and signed with a token key. On a machine whose glibc differs from
//! the build machine's, that is not to be relied on: use the dynamically linked build
//! (`cargo build --release`) with PKCS#11 there. Without a token the static binary is unaffected.

#![deny(missing_docs)]

mod error;
mod module;
mod token;
mod uri;

pub use error::Pkcs11Error;
pub use module::{Access, PinCallback};
pub use token::{KeyProtection, NewKey, TokenKey};
pub use uri::{ObjectType, PinSource, Pkcs11Uri};
