//! The default provider: RustCrypto does everything, so every hook declines.

use crate::alg::SignatureScheme;
use crate::{KeyError, KeySpec, PrivateKey, PublicKey};

pub(super) const NAME: &str = "rustcrypto";

/// No provider state for a key.
#[derive(Clone, Default)]
pub(super) struct Key;

impl Key {
    pub(super) fn sign(
        &self,
        _key: &PrivateKey,
        _alg: SignatureScheme,
        _message: &[u8],
    ) -> Option<Result<Vec<u8>, KeyError>> {
        None
    }
}

pub(super) fn verified(
    _key: &PublicKey,
    _alg: SignatureScheme,
    _message: &[u8],
    _signature: &[u8],
) -> bool {
    false
}

pub(super) fn generate(_spec: KeySpec) -> Option<Result<PrivateKey, KeyError>> {
    None
}
