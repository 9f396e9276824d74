//! What a cfssl key request (`{"algo": …, "size": …}`) asks for.

use crate::KeyError;

/// The smallest RSA modulus cfssl generates (docs/cfssl-compat.md §6).
const RSA_MIN_BITS: i64 = 2048;
/// The largest RSA modulus cfssl generates (docs/cfssl-compat.md §6).
const RSA_MAX_BITS: i64 = 8192;

/// A key type and size that cfssl can generate (docs/cfssl-compat.md §6).
///
/// | `algo`    | `size`                        | spec                    |
/// |-----------|-------------------------------|-------------------------|
/// | `rsa`     | any integer in 2048..=8192    | [`KeySpec::Rsa`]        |
/// | `ecdsa`   | 256, 384, 521                 | `EcdsaP256/384/521`     |
/// | `ed25519` | ignored                       | [`KeySpec::Ed25519`]    |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeySpec {
    /// RSA with a modulus of `bits` bits, public exponent 65537, two primes.
    Rsa {
        /// Modulus length; 2049 or 3000 are as valid as 2048 (docs/cfssl-compat.md §11 item 12).
        bits: usize,
    },
    /// ECDSA on NIST P-256 (secp256r1).
    EcdsaP256,
    /// ECDSA on NIST P-384 (secp384r1).
    EcdsaP384,
    /// ECDSA on NIST P-521 (secp521r1).
    EcdsaP521,
    /// Ed25519 (RFC 8032).
    Ed25519,
}

impl KeySpec {
    /// Validates a cfssl key request the way cfssl's `KeyRequest.Generate` does (docs/cfssl-compat.md §6).
    ///
    /// `algo` is case-sensitive (`RSA` is an invalid algorithm). For `rsa` the size must be in
    /// 2048..=8192 (`RSA key is too weak` / `RSA key size too large`); for `ecdsa` it must be
    /// 256, 384 or 521 (`invalid curve`); for `ed25519` it is ignored. All these errors have
    /// cfssl code 2400.
    ///
    /// ```
    /// use cfssl_keys::{KeyError, KeySpec};
    /// assert_eq!(KeySpec::from_request("rsa", 3000), Ok(KeySpec::Rsa { bits: 3000 }));
    /// assert_eq!(KeySpec::from_request("ecdsa", 384), Ok(KeySpec::EcdsaP384));
    /// assert_eq!(KeySpec::from_request("ed25519", 0), Ok(KeySpec::Ed25519));
    /// assert_eq!(KeySpec::from_request("RSA", 2048), Err(KeyError::InvalidAlgorithm));
    /// assert_eq!(KeySpec::from_request("rsa", 1024), Err(KeyError::RsaKeyTooWeak));
    /// assert_eq!(KeySpec::from_request("ecdsa", 255), Err(KeyError::InvalidCurve));
    /// ```
    pub fn from_request(algo: &str, size: i64) -> Result<KeySpec, KeyError> {
        match algo {
            "rsa" => {
                if size < RSA_MIN_BITS {
                    Err(KeyError::RsaKeyTooWeak)
                } else if size > RSA_MAX_BITS {
                    Err(KeyError::RsaKeyTooLarge)
                } else {
                    let bits = usize::try_from(size).map_err(|_| KeyError::RsaKeyTooLarge)?;
                    Ok(KeySpec::Rsa { bits })
                }
            }
            "ecdsa" => match size {
                256 => Ok(KeySpec::EcdsaP256),
                384 => Ok(KeySpec::EcdsaP384),
                521 => Ok(KeySpec::EcdsaP521),
                _ => Err(KeyError::InvalidCurve),
            },
            "ed25519" => Ok(KeySpec::Ed25519),
            _ => Err(KeyError::InvalidAlgorithm),
        }
    }

    /// The same short name as [`crate::PrivateKey::describe`]: `rsa-2048`, `ecdsa-256`, `ed25519`.
    pub fn describe(&self) -> String {
        match self {
            KeySpec::Rsa { bits } => format!("rsa-{bits}"),
            KeySpec::EcdsaP256 => "ecdsa-256".to_owned(),
            KeySpec::EcdsaP384 => "ecdsa-384".to_owned(),
            KeySpec::EcdsaP521 => "ecdsa-521".to_owned(),
            KeySpec::Ed25519 => "ed25519".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_bounds_are_inclusive() {
        assert_eq!(
            KeySpec::from_request("rsa", 2048),
            Ok(KeySpec::Rsa { bits: 2048 })
        );
        assert_eq!(
            KeySpec::from_request("rsa", 8192),
            Ok(KeySpec::Rsa { bits: 8192 })
        );
        assert_eq!(
            KeySpec::from_request("rsa", 2047),
            Err(KeyError::RsaKeyTooWeak)
        );
        assert_eq!(
            KeySpec::from_request("rsa", 8193),
            Err(KeyError::RsaKeyTooLarge)
        );
        assert_eq!(
            KeySpec::from_request("rsa", i64::MIN),
            Err(KeyError::RsaKeyTooWeak)
        );
        assert_eq!(
            KeySpec::from_request("rsa", i64::MAX),
            Err(KeyError::RsaKeyTooLarge)
        );
    }

    #[test]
    fn ecdsa_sizes() {
        assert_eq!(KeySpec::from_request("ecdsa", 256), Ok(KeySpec::EcdsaP256));
        assert_eq!(KeySpec::from_request("ecdsa", 521), Ok(KeySpec::EcdsaP521));
        for bad in [0, 224, 512, -256] {
            assert_eq!(
                KeySpec::from_request("ecdsa", bad),
                Err(KeyError::InvalidCurve)
            );
        }
    }

    #[test]
    fn ed25519_ignores_size_and_names_are_case_sensitive() {
        for size in [0, -1, 256, i64::MAX] {
            assert_eq!(KeySpec::from_request("ed25519", size), Ok(KeySpec::Ed25519));
        }
        for algo in ["RSA", "ECDSA", "Ed25519", "dsa", "", " rsa"] {
            assert_eq!(
                KeySpec::from_request(algo, 2048),
                Err(KeyError::InvalidAlgorithm)
            );
        }
    }
}
